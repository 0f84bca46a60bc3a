import { appendFileSync, existsSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { type EventRow, insertEvents } from './record.js';

/**
 * When the database cannot take an event in time (locked past the deadline), the event is appended to
 * `<data-dir>/hooks.spool.jsonl` instead, and the next hook that reaches the database moves the spool into it.
 * Rows carry a unique key, so a spool read twice adds nothing twice.
 */
export const spoolFile = (dataDir: string) => join(dataDir, 'hooks.spool.jsonl');

export function spool(dataDir: string, row: EventRow): void {
  appendFileSync(spoolFile(dataDir), `${JSON.stringify(row)}\n`, { mode: 0o600 });
}

/** Moves spooled events into the database; one hook at a time wins the rename, the others see no spool. */
export function drainSpool(db: Database.Database, dataDir: string): number {
  const file = spoolFile(dataDir);
  if (!existsSync(file)) return 0;
  const claimed = `${file}.${process.pid}.draining`;
  try {
    renameSync(file, claimed);
  } catch {
    return 0;
  }
  const rows: EventRow[] = [];
  for (const line of readFileSync(claimed, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      rows.push(JSON.parse(line) as EventRow);
    } catch {
      // a line cut short by a full disk: nothing to recover
    }
  }
  try {
    insertEvents(db, rows);
  } catch (error) {
    appendFileSync(file, readFileSync(claimed, 'utf8'), { mode: 0o600 });
    unlinkSync(claimed);
    throw error;
  }
  unlinkSync(claimed);
  return rows.length;
}
