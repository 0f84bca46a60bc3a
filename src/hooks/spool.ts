import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { type EventRow, insertEvents } from './record.js';

/**
 * When the database cannot take an event in time (SQLite locked past the deadline, PostgreSQL unreachable), the
 * event is appended to `<data-dir>/hooks.spool.jsonl` instead, and the next hook that reaches the database moves
 * the spool into it. Rows carry a unique key, so a spool read twice adds nothing twice.
 */
export const spoolFile = (dataDir: string) => join(dataDir, 'hooks.spool.jsonl');

export function spool(dataDir: string, row: EventRow): void {
  // On PostgreSQL nothing else creates the data directory (SQLite's open does).
  mkdirSync(dataDir, { recursive: true });
  appendFileSync(spoolFile(dataDir), `${JSON.stringify(row)}\n`, { mode: 0o600 });
}

/** Spooled rows taken out of the spool by this process: `done` once stored, `putBack` if they could not be. */
export interface SpoolClaim {
  rows: EventRow[];
  done(): void;
  putBack(): void;
}

const CLAIM = /^hooks\.spool\.jsonl\.(\d+)\.draining(\.\d+)?$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims of hooks that died between claiming and storing (killed past Claude Code's timeout): without this their
 * events would wait forever in a file no one reads. Their keys make taking them over safe even if they were stored.
 */
function orphans(dataDir: string): string[] {
  try {
    return readdirSync(dataDir).flatMap((name) => {
      const m = CLAIM.exec(name);
      // A claim under our own pid is a dead process's whose pid came back: ours is not made yet.
      const pid = Number(m?.[1]);
      return m && (pid === process.pid || !alive(pid)) ? [join(dataDir, name)] : [];
    });
  } catch {
    return [];
  }
}

/** Takes the spool (and orphaned claims); one hook at a time wins the rename, the others see no spool. */
export function claimSpool(dataDir: string): SpoolClaim | undefined {
  const file = spoolFile(dataDir);
  const claimed: string[] = [];
  const mine = `${file}.${process.pid}.draining`;
  for (const from of [...orphans(dataDir), ...(existsSync(file) ? [file] : [])]) {
    // Claims are numbered by the pid that took them over, so another hook does not take them again.
    const to = from === file ? mine : join(dirname(from), `${basename(mine)}.${claimed.length}`);
    try {
      renameSync(from, to);
      claimed.push(to);
    } catch {
      // another hook took it first
    }
  }
  if (claimed.length === 0) return undefined;
  const texts = claimed.map((f) => readFileSync(f, 'utf8'));
  const rows: EventRow[] = [];
  for (const line of texts.join('\n').split('\n')) {
    if (!line.trim()) continue;
    try {
      rows.push(JSON.parse(line) as EventRow);
    } catch {
      // a line cut short by a full disk: nothing to recover
    }
  }
  const remove = () => {
    for (const f of claimed) unlinkSync(f);
  };
  return {
    rows,
    done: remove,
    putBack() {
      appendFileSync(file, texts.map((t) => (t.endsWith('\n') || !t ? t : `${t}\n`)).join(''), {
        mode: 0o600,
      });
      remove();
    },
  };
}

/** Moves spooled events into the SQLite database. */
export function drainSpool(db: Database.Database, dataDir: string): number {
  const claim = claimSpool(dataDir);
  if (!claim) return 0;
  try {
    insertEvents(db, claim.rows);
  } catch (error) {
    claim.putBack();
    throw error;
  }
  claim.done();
  return claim.rows.length;
}
