import type { TestProject } from 'vitest/node';
import { startPostgres } from './helpers/postgres.js';

/** One throwaway PostgreSQL cluster for the whole run; each test file makes its own databases in it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgres();
  project.provide('postgres', cluster.info);
  return () => cluster.stop();
}
