import { Cron } from 'croner';
import { z } from 'zod';

export const LogLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Every field has a default, so `SettingsSchema.parse({})` is a complete, working configuration. */
const retrying = {
  /** Per attempt. */
  timeoutMs: z.number().int().min(100).default(5_000),
  /** Further attempts after the first, with exponential backoff. */
  retries: z.number().int().min(0).max(10).default(3),
};

/** Where alerts go. Secrets here (URLs with tokens, passwords, headers) never reach logs or spans. */
export const AlertHandlerSettingsSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('console') }),
  z.strictObject({
    type: z.literal('webhook'),
    url: z.url(),
    headers: z.record(z.string(), z.string()).default({}),
    ...retrying,
  }),
  z.strictObject({ type: z.literal('slack'), webhookUrl: z.url(), ...retrying }),
  z.strictObject({
    type: z.literal('email'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535).default(587),
    /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    user: z.string().optional(),
    password: z.string().optional(),
    from: z.string().min(3),
    to: z.array(z.string().min(3)).min(1),
    ...retrying,
  }),
]);
export type AlertHandlerSettings = z.infer<typeof AlertHandlerSettingsSchema>;

/** A cron expression (5 or 6 fields, croner's syntax) or '' for "never". */
const CronSchema = z.string().refine(
  (pattern) => {
    if (pattern === '') return true;
    try {
      new Cron(pattern, { paused: true }).stop();
      return true;
    } catch {
      return false;
    }
  },
  {
    message:
      'not a cron expression: use five fields, e.g. "0 3 * * *" (03:00 daily), or "" to turn the job off',
  },
);

export const SettingsSchema = z.strictObject({
  profile: z.enum(['default', 'production']).default('default'),
  /** Where the catalog, the last run and logs live; `--data-dir` isolates a run. Filled in by `load.ts`. */
  dataDir: z.string().min(1).optional(),
  logLevel: LogLevelSchema.default('warn'),
  /** Where the catalog and the learning live: SQLite in the data directory, or one PostgreSQL shared by instances. */
  store: z
    .strictObject({
      backend: z.enum(['sqlite', 'postgres']).default('sqlite'),
      /** postgres://user:password@host:5432/db — a secret: never logged, never on spans. */
      postgresUrl: z.string().min(1).optional(),
      /** Connections each instance keeps open to PostgreSQL. */
      poolSize: z.number().int().min(1).max(100).default(10),
    })
    .refine((store) => store.backend !== 'postgres' || store.postgresUrl !== undefined, {
      message: 'store.backend "postgres" needs store.postgresUrl (or MCP_DISCOVERY_POSTGRES_URL)',
      path: ['postgresUrl'],
    })
    .prefault({}),
  discovery: z
    .strictObject({
      maxParallel: z.number().int().min(1).max(256).default(10),
      /** Servers handed to the worker pool at a time; results are reported per batch. */
      batchSize: z.number().int().min(1).default(50),
      /** Budget for one server: spawn or connect, initialize and every list call. */
      timeoutMs: z.number().int().min(100).default(10_000),
      /** A server that answers but takes longer than this is `degraded`. */
      slowMs: z.number().int().min(1).default(5_000),
      /** Read the client configs of this machine (Claude, Cursor, VS Code, Windsurf). */
      userConfigs: z.boolean().default(true),
    })
    .prefault({}),
  server: z
    .strictObject({
      /** Loopback unless told otherwise; any other address needs a token. */
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65_535).default(7842),
      /** Bearer token HTTP clients must send; required to bind beyond loopback. */
      token: z.string().min(16, 'use a token of at least 16 characters').optional(),
      /** Full rediscovery while serving; 0 turns it off. */
      refreshIntervalSeconds: z.number().int().min(0).default(600),
      /** How long `call_tool` waits for the upstream server. */
      callTimeoutMs: z.number().int().min(100).default(30_000),
      /** When not empty, `call_tool` may call only these: `server` or `server/tool` entries. */
      allowCalls: z.array(z.string().min(1)).default([]),
    })
    .prefault({}),
  search: z
    .strictObject({
      /** Results returned when the caller gives no limit. */
      defaultLimit: z.number().int().min(1).max(1000).default(10),
      /** Weight of learned usage in ranking; 0 ignores it. Tools never used are never punished. */
      priorWeight: z.number().min(0).max(1).default(0.25),
      /** Put the raw query text on search spans. Off by default: queries can carry private details. */
      recordQuery: z.boolean().default(false),
    })
    .prefault({}),
  hooks: z
    .strictObject({
      /** Return top suggestions to Claude as additionalContext (UserPromptSubmit, PreToolUse of shell commands). */
      contextEnabled: z.boolean().default(false),
      /** Only suggestions scoring at least this much are returned; search scores are BM25-like, about 1 to 30. */
      minScore: z.number().min(0).default(8),
      /** At most this many suggestions per prompt. */
      maxSuggestions: z.number().int().min(1).max(10).default(3),
      /** Usage older by this many days counts half as much in success rates and ranking priors. */
      halfLifeDays: z.number().positive().default(30),
      /** A tool sequence is a workflow pattern once it occurs in at least this many sessions. */
      minPatternSupport: z.number().int().min(1).default(2),
    })
    .prefault({}),
  cache: z
    .strictObject({
      maxEntries: z.number().int().min(1).default(500),
      ttlSeconds: z.number().int().min(1).default(300),
    })
    .prefault({}),
  /** Maintenance jobs `serve` runs on its own: daily health and cleanup, weekly report, monthly compaction. */
  schedule: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** IANA time zone of the cron expressions; the machine's local time when absent. */
      timezone: z.string().optional(),
      daily: CronSchema.default('0 3 * * *'),
      weekly: CronSchema.default('0 4 * * 1'),
      monthly: CronSchema.default('0 5 1 * *'),
    })
    .prefault({}),
  /** The in-process KPI monitor that `serve` runs (thresholds come from src/kpi, not from here). */
  monitor: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** How often metrics are sampled and every KPI evaluated. */
      intervalSeconds: z.number().int().min(1).max(3600).default(15),
      /** A firing alert is sent again this often while it lasts; 0 sends it once. */
      repeatSeconds: z
        .number()
        .int()
        .min(0)
        .default(4 * 3600),
      handlers: z.array(AlertHandlerSettingsSchema).default([{ type: 'console' }]),
      /** Append every sample to <dataDir>/logs/metrics.jsonl. */
      exportMetrics: z.boolean().default(true),
      /** metrics.jsonl and alerts.log are rotated to a dated file past this size. */
      maxFileBytes: z
        .number()
        .int()
        .min(4096)
        .default(10 * 1024 * 1024),
    })
    .prefault({}),
});
export type Settings = z.infer<typeof SettingsSchema>;
/** Settings after loading: the data directory is always known. */
export type ResolvedSettings = Settings & { dataDir: string };

/** The `production` profile of the operators' guide; applied under the file and the environment. */
export const PROFILES: Record<Settings['profile'], Record<string, unknown>> = {
  default: {},
  production: {
    discovery: { maxParallel: 20, timeoutMs: 15_000 },
    cache: { maxEntries: 2000, ttlSeconds: 600 },
  },
};
