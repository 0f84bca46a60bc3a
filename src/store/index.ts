export { writeFileAtomic } from './atomic.js';
export { type LastRun, lastRunFile, loadLastRun, saveLastRun } from './last-run.js';
