import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './servers.js';

/**
 * A throwaway PostgreSQL cluster for tests: Debian's binaries, a temp directory, a free port on 127.0.0.1,
 * password authentication over TCP (so tests see the same auth failures production does), no durability.
 */
/** What sends the hook, a CLI command or a server instance to a shared PostgreSQL database, as on every machine. */
export const pgEnv = (url: string) => ({ MCP_DISCOVERY_STORE: 'postgres', MCP_DISCOVERY_POSTGRES_URL: url });

export interface PostgresInfo {
  host: string;
  port: number;
  user: string;
  password: string;
}

const run = promisify(execFile);
const INSTALL_HINT =
  "`.ci/run` installs Debian's `postgresql` package (apt-get install postgresql), or put initdb and pg_ctl on PATH";

/** initdb and pg_ctl from PATH, else the newest /usr/lib/postgresql/<version>/bin. */
export function findPostgresBin(): string {
  const has = (dir: string) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
  const onPath = (process.env.PATH ?? '').split(delimiter).find((d) => d && has(d));
  if (onPath) return onPath;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const found = versions.map((v) => join(root, v, 'bin')).find(has);
  if (!found) throw new Error(`PostgreSQL binaries (initdb, pg_ctl) not found: ${INSTALL_HINT}`);
  return found;
}

/** initdb refuses to run as root: as root we become the `postgres` user the Debian package creates. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined)
    throw new Error(`running as root and there is no \`postgres\` user to run initdb as: ${INSTALL_HINT}`);
  return { uid: Number(uid), gid: Number(gid) };
}

export interface PostgresCluster {
  info: PostgresInfo;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresCluster> {
  const bin = findPostgresBin();
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'mcp-discovery-pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  writeFileSync(join(dir, 'pwfile'), `${password}\n`);
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chownSync(join(dir, 'pwfile'), user.uid, user.gid);
  }
  const exec = (tool: string, args: string[]) =>
    run(join(bin, tool), args, { cwd: dir, ...user, env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    // ICU en-US collation, like most production databases: ordering that is not bytewise shows up in tests.
    await exec('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
      '--locale-provider=icu',
      '--icu-locale=en-US',
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      `--pwfile=${join(dir, 'pwfile')}`,
    ]);
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
      try {
        await exec('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', options, 'start']);
        break;
      } catch (error) {
        // The port may have been taken between choosing it and binding it.
        if (attempt >= 3) throw error;
      }
    }
    const info = { host: '127.0.0.1', port, user: 'postgres', password };
    return {
      info,
      async stop() {
        await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
        cleanup();
      },
    };
  } catch (error) {
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
    await exec('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
    cleanup();
    throw new Error(`could not start a test PostgreSQL from ${bin}: ${(error as Error).message}\n${log}`);
  }
}

export const postgresUrl = (info: PostgresInfo, database: string) =>
  `postgres://${info.user}:${info.password}@${info.host}:${info.port}/${database}`;

/** Runs `fn` with a client on the cluster's `postgres` database, for creating and dropping databases. */
export async function withAdmin<T>(info: PostgresInfo, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl(info, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new empty database; its URL. Names are random, so test files share one cluster in parallel. */
export async function createDatabase(info: PostgresInfo): Promise<string> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await withAdmin(info, (c) => c.query(`CREATE DATABASE ${name} STRATEGY FILE_COPY`));
  return postgresUrl(info, name);
}

export async function dropDatabase(info: PostgresInfo, url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await withAdmin(info, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

declare module 'vitest' {
  /** Set by test/global-postgres.ts; absent when it is not configured, and each file starts its own cluster. */
  export interface ProvidedContext {
    postgres?: PostgresInfo;
  }
}
