import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Coordinator } from '../cluster/coordinator.js';
import { maintenanceJobs } from '../maintenance/jobs.js';
import { Scheduler } from '../maintenance/schedule.js';
import { startMonitor } from '../monitor/index.js';
import type { ResolvedSettings } from '../settings/index.js';
import { catalogCounts } from '../store/catalog.js';
import type { Telemetry } from '../telemetry/index.js';
import { INSTANCE_ID, log } from '../telemetry/index.js';
import { startHttpFace } from './http.js';
import { Hub } from './hub.js';
import { connectSession } from './mcp.js';

export interface ServeOptions {
  settings: ResolvedSettings;
  /** The settings file in use: the scheduled cache tuning writes its TTL there. */
  settingsFile?: string;
  telemetry: Telemetry;
  configFiles: string[];
  discoverOnStart: boolean;
  face: 'stdio' | 'http';
  /** Where the HTTP face announces itself; stderr keeps stdout free for `--stdio`. */
  announce?: (text: string) => void;
}

/** Runs until a signal or, for stdio, until the client closes stdin; then ends sessions, children and telemetry. */
export async function serve(options: ServeOptions): Promise<void> {
  const { settings, telemetry } = options;
  const monitor =
    settings.monitor.enabled && telemetry.collect
      ? startMonitor(settings, telemetry.collect, { perf: telemetry.perf })
      : undefined;
  const coordinator = await startCoordinator(settings);
  const hub = await Hub.start({
    settings,
    configFiles: options.configFiles,
    discoverOnStart: options.discoverOnStart,
    coordinator,
    settingsFile: options.settingsFile,
  });
  const scheduler = settings.schedule.enabled
    ? new Scheduler(
        maintenanceJobs({ settings, settingsFile: options.settingsFile, configFiles: options.configFiles }),
        { timezone: settings.schedule.timezone, shouldRun: () => hub.coordinator.leading },
      )
    : undefined;
  scheduler?.start();
  let stop: () => Promise<void>;
  const stopped = new Promise<void>((resolve) => {
    let closing = false;
    const end = () => {
      if (closing) return;
      closing = true;
      void stop()
        .catch((error) => log.error({ err: error }, 'shutdown failed'))
        .finally(resolve);
    };
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.removeAllListeners(signal);
      process.once(signal, end);
    }
    if (options.face === 'stdio') process.stdin.once('end', end);
  });

  if (options.face === 'stdio') {
    const transport = new StdioServerTransport();
    await connectSession(hub, transport, 'pipe');
    stop = async () => {
      await transport.close();
      await scheduler?.stop();
      await monitor?.stop();
      await hub.close();
      await telemetry.shutdown();
    };
  } else {
    const { host, port, token } = settings.server;
    const face = await startHttpFace({
      host,
      port,
      token,
      connect: (transport) => connectSession(hub, transport, 'tcp'),
      ready: async () => hub.ready(),
      metrics: telemetry.metricsHandler,
      ...(monitor && { kpi: () => ({ kpis: monitor.readings() }) }),
    });
    const announce = options.announce ?? ((text: string) => process.stdout.write(`${text}\n`));
    announce(banner(face.mcpUrl, face.metricsUrl, !!token, catalogLine(hub), scheduleLine(scheduler)));
    stop = async () => {
      await face.close();
      await scheduler?.stop();
      await monitor?.stop();
      await hub.close();
      await telemetry.shutdown();
    };
  }
  await stopped;
}

/** Alone on SQLite; on PostgreSQL, one of several instances that elect a leader and tell each other of changes. */
async function startCoordinator(settings: ResolvedSettings): Promise<Coordinator | undefined> {
  const url = settings.store.postgresUrl;
  if (settings.store.backend !== 'postgres' || !url) return undefined;
  const { PgCoordinator } = await import('../cluster/postgres.js');
  return PgCoordinator.start({ url, instance: INSTANCE_ID });
}

function catalogLine(hub: Hub): string {
  const { servers, entries } = hub.catalog.catalog;
  const c = catalogCounts(entries);
  return `catalog: ${servers.length} servers, ${c.tools} tools, ${c.resources} resources, ${c.resourceTemplates} templates, ${c.prompts} prompts`;
}

function scheduleLine(scheduler: Scheduler | undefined): string {
  if (!scheduler) return 'maintenance: not scheduled (schedule.enabled is false)';
  const next = Object.entries(scheduler.next())
    .map(([job, at]) => `${job} ${at ?? 'off'}`)
    .join(', ');
  return `maintenance: next ${next}`;
}

function banner(
  mcpUrl: string,
  metricsUrl: string,
  withToken: boolean,
  catalog: string,
  schedule: string,
): string {
  const auth = withToken ? ' --header "Authorization: Bearer $MCP_DISCOVERY_TOKEN"' : '';
  return [
    catalog,
    schedule,
    `mcp-discovery serving MCP at ${mcpUrl}`,
    `metrics at ${metricsUrl} (also /healthz, /readyz)`,
    '',
    'Add it to Claude Code:',
    `  claude mcp add --transport http mcp-discovery ${mcpUrl}${auth}`,
    'Add it to Claude Desktop (claude_desktop_config.json), through the stdio face:',
    '  "mcpServers": { "mcp-discovery": { "command": "npx", "args": ["mcp-discovery", "serve", "--stdio"] } }',
  ].join('\n');
}
