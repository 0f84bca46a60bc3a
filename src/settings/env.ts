/**
 * `MCP_DISCOVERY_*` environment overrides: the one place that maps variable names to settings paths.
 * Values are parsed by the settings schema afterwards, so a bad value is reported with its variable name.
 */
export const ENV_OVERRIDES = {
  MCP_DISCOVERY_PROFILE: ['profile'],
  MCP_DISCOVERY_DATA_DIR: ['dataDir'],
  MCP_DISCOVERY_LOG_LEVEL: ['logLevel'],
  MCP_DISCOVERY_MAX_PARALLEL: ['discovery', 'maxParallel'],
  MCP_DISCOVERY_BATCH_SIZE: ['discovery', 'batchSize'],
  MCP_DISCOVERY_TIMEOUT: ['discovery', 'timeoutMs'],
  MCP_DISCOVERY_CACHE_SIZE: ['cache', 'maxEntries'],
  MCP_DISCOVERY_CACHE_TTL: ['cache', 'ttlSeconds'],
  MCP_DISCOVERY_HOST: ['server', 'host'],
  MCP_DISCOVERY_PORT: ['server', 'port'],
  MCP_DISCOVERY_TOKEN: ['server', 'token'],
  MCP_DISCOVERY_STORE: ['store', 'backend'],
  MCP_DISCOVERY_POSTGRES_URL: ['store', 'postgresUrl'],
} as const satisfies Record<string, readonly string[]>;

export type EnvOverride = { variable: string; path: readonly string[]; value: unknown };

/** Numbers stay numbers so the schema can check ranges; anything else is passed as text. */
function coerce(raw: string): unknown {
  const trimmed = raw.trim();
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** Text however it looks: a token or a directory name made only of digits stays a string. */
const TEXT = new Set([
  'MCP_DISCOVERY_DATA_DIR',
  'MCP_DISCOVERY_HOST',
  'MCP_DISCOVERY_TOKEN',
  'MCP_DISCOVERY_POSTGRES_URL',
]);

export function envOverrides(env: Record<string, string | undefined>): EnvOverride[] {
  const found: EnvOverride[] = [];
  for (const [variable, path] of Object.entries(ENV_OVERRIDES)) {
    const raw = env[variable];
    if (raw !== undefined && raw !== '')
      found.push({ variable, path, value: TEXT.has(variable) ? raw : coerce(raw) });
  }
  return found;
}
