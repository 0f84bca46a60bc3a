export { classifyFailure, type FailureFacts, type Verdict } from './classify.js';
export { type ProbeOptions, probeServer, relistServer } from './probe.js';
export {
  type DiscoveryRun,
  DiscoveryRunSchema,
  type Health,
  HealthSchema,
  type ServerReport,
  ServerReportSchema,
} from './report.js';
export { type RunOptions, runDiscovery, runDocument } from './run.js';
export { openSession, type Session } from './session.js';
