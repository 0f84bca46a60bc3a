import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import type { ServerSpec } from '../sources/spec.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_HEALTH,
  ATTR_PROMPT_COUNT,
  ATTR_RESOURCE_COUNT,
  ATTR_SERVER,
  ATTR_TEMPLATE_COUNT,
  ATTR_TOOL_COUNT,
  ATTR_TRANSPORT,
  instruments,
  log,
  METRIC_ATTR,
  type Outcome,
  SPAN_PROBE,
  withSpan,
} from '../telemetry/index.js';
import { classifyFailure } from './classify.js';
import { type Connection, connections, shouldFallBack } from './connect.js';
import { listAll } from './paginate.js';
import { redact, secretsOf } from './redact.js';
import type { Health, ListMethod, ServerReport } from './report.js';
import type { Session } from './session.js';

export interface ProbeOptions {
  timeoutMs: number;
  slowMs: number;
  clientVersion: string;
}

type Listings = Pick<ServerReport, 'tools' | 'resources' | 'resourceTemplates' | 'prompts'>;

const empty = (): Listings => ({ tools: [], resources: [], resourceTemplates: [], prompts: [] });

/** What the report says of the target: command line or URL, and only the names of env vars and headers. */
function describeTarget(
  spec: ServerSpec,
): Pick<ServerReport, 'command' | 'args' | 'url' | 'envKeys' | 'headerKeys'> {
  const t = spec.target;
  return t.transport === 'stdio'
    ? { command: t.command, args: t.args, envKeys: Object.keys(t.env).sort(), headerKeys: [] }
    : { url: t.url, envKeys: [], headerKeys: Object.keys(t.headers).sort() };
}

/** The server's whole budget, on the monotonic clock so a wall-clock jump neither ends nor extends it. */
class Deadline {
  private readonly until: number;
  constructor(ms: number) {
    this.until = performance.now() + ms;
  }
  get remaining(): number {
    return Math.max(0, this.until - performance.now());
  }
  get expired(): boolean {
    return this.remaining === 0;
  }
  options(): RequestOptions {
    return { timeout: Math.max(1, this.remaining) };
  }
}

interface Attempt {
  connection: Connection;
  client: Client;
  phase: string;
  listings: Listings;
  /** Lists that failed or were cut short, with what went wrong. */
  partial: Array<{ method: ListMethod; note: string }>;
}

/** Initialize, then list only what the capabilities advertise, following every cursor. */
async function run(attempt: Attempt, deadline: Deadline): Promise<void> {
  attempt.phase = 'connect';
  await attempt.client.connect(attempt.connection.transport, deadline.options());
  await listEverything(attempt, deadline);
}

async function listEverything(attempt: Attempt, deadline: Deadline): Promise<void> {
  const { client } = attempt;
  const caps = client.getServerCapabilities() ?? {};
  const lists: Array<[keyof Listings, boolean, ListMethod]> = [
    ['tools', !!caps.tools, 'tools/list'],
    ['resources', !!caps.resources, 'resources/list'],
    ['resourceTemplates', !!caps.resources, 'resources/templates/list'],
    ['prompts', !!caps.prompts, 'prompts/list'],
  ];
  for (const [key, advertised, method] of lists) {
    if (!advertised) continue;
    attempt.phase = method;
    try {
      const listed = await listAll(client, method, () => deadline.options());
      (attempt.listings[key] as unknown[]) = listed.items;
      if (listed.truncated) attempt.partial.push({ method, note: listed.truncated });
    } catch (error) {
      // A closed connection or an exhausted budget ends the probe; a server refusing one list only degrades it.
      if (deadline.expired || attempt.connection.stdio?.exitCode != null || !client.transport) throw error;
      // Templates came with the 2024-11-05 resources revision; older servers rightly say "method not found".
      if (
        method === 'resources/templates/list' &&
        error instanceof McpError &&
        error.code === ErrorCode.MethodNotFound
      )
        continue;
      attempt.partial.push({
        method,
        note: `${method} failed: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
}

/** Client.connect() spawns or connects, then initializes: which of the two failed? */
function connectPhase(connection: Connection): string {
  if (connection.transport.startMs === undefined) return connection.stdio ? 'spawn' : 'connect';
  return 'initialize';
}

function timings(connection: Connection, totalMs: number): ServerReport['timings'] {
  const ms = connection.transport.methodMs;
  const round = (v: number | undefined) => (v === undefined ? undefined : Math.round(v * 10) / 10);
  return {
    connectMs: round(connection.transport.startMs),
    initializeMs: round(ms.get('initialize')),
    toolsMs: round(ms.get('tools/list')),
    resourcesMs: round(ms.get('resources/list')),
    resourceTemplatesMs: round(ms.get('resources/templates/list')),
    promptsMs: round(ms.get('prompts/list')),
    totalMs: Math.round(totalMs),
  };
}

const noCounts = () => ({ tools: 0, resources: 0, resourceTemplates: 0, prompts: 0 });

type Base = Pick<ServerReport, 'name' | 'sources' | 'command' | 'args' | 'url' | 'envKeys' | 'headerKeys'>;
type Tried = { report: ServerReport; outcome: Outcome } | { fallBack: true };

/** One connection attempt within the server's deadline; a 4xx on a bare URL asks for the SSE fallback. */
async function attempt(
  spec: ServerSpec,
  base: Base,
  connection: Connection,
  deadline: Deadline,
  options: ProbeOptions,
  t0: number,
): Promise<Tried> {
  const client = new Client({ name: 'mcp-discovery', version: options.clientVersion }, { capabilities: {} });
  client.onerror = () => undefined; // stray output and transport errors are judged by the outcome, not logged twice
  const state: Attempt = { connection, client, phase: 'connect', listings: empty(), partial: [] };
  let timer: NodeJS.Timeout | undefined;
  // A timer may fire a moment before the monotonic deadline reads as expired: its firing is what counts.
  let fired = false;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        fired = true;
        reject(new Error('probe deadline'));
      },
      Math.max(1, deadline.remaining),
    );
  });
  try {
    await Promise.race([run(state, deadline), expiry]);
    const totalMs = performance.now() - t0;
    const slow = totalMs > options.slowMs;
    const reasons = [
      ...state.partial.map((p) => p.note),
      ...(slow ? [`slow: ${Math.round(totalMs)} ms > ${options.slowMs} ms`] : []),
    ];
    const health: Health = reasons.length > 0 ? 'degraded' : 'healthy';
    return {
      report: {
        ...success(base, connection, client, state.listings, health, reasons.join('; '), totalMs),
        incomplete: state.partial.map((p) => p.method),
      },
      outcome: 'success',
    };
  } catch (error) {
    if (state.phase === 'connect') state.phase = connectPhase(connection);
    if (
      spec.target.transport === 'auto' &&
      connection.kind === 'http' &&
      shouldFallBack(error) &&
      !deadline.expired &&
      !fired
    ) {
      return { fallBack: true };
    }
    const verdict = classifyFailure({
      error,
      phase: state.phase,
      command: base.command,
      timeoutMs: options.timeoutMs,
      timedOut: deadline.expired || fired,
      exitCode: connection.stdio?.exitCode,
      exitSignal: connection.stdio?.exitSignal,
      stderrTail: connection.stdio?.stderr,
      firstBadLine: connection.stdio?.firstBadLine,
    });
    const secrets = secretsOf(spec.target);
    const report: ServerReport = {
      ...base,
      transport: connection.kind,
      health: verdict.health,
      reason: redact(verdict.reason, secrets),
      incomplete: [],
      stderrTail: redact(connection.stdio?.stderr ?? '', secrets) || undefined,
      timings: timings(connection, performance.now() - t0),
      counts: noCounts(),
      ...empty(),
    };
    return { report, outcome: verdict.outcome };
  } finally {
    clearTimeout(timer);
  }
}

export interface Probed {
  report: ServerReport;
  /** Settles once the server's processes are gone (stdio) or its connection is closed. */
  closed: Promise<void>;
}

/**
 * Probes one server for real and never throws: every failure becomes a health state and a reason. Closing is
 * handed back rather than awaited, so a run can start the next probe while this server shuts down.
 */
export async function probe(spec: ServerSpec, options: ProbeOptions): Promise<Probed> {
  const base: Base = { name: spec.name, sources: spec.sources, ...describeTarget(spec) };
  if (spec.needsInput.length > 0) {
    const report: ServerReport = {
      ...base,
      transport: spec.target.transport,
      health: 'needs-input',
      reason: `needs input: ${spec.needsInput.join(', ')}`,
      incomplete: [],
      timings: { totalMs: 0 },
      counts: noCounts(),
      ...empty(),
    };
    return { report, closed: Promise.resolve() };
  }
  return withSpan(
    `${SPAN_PROBE} ${spec.name}`,
    { attributes: { [ATTR_SERVER]: spec.name } },
    async (span) => {
      const t0 = performance.now();
      const deadline = new Deadline(options.timeoutMs);
      const closing: Promise<void>[] = [];
      let tried: Tried = { fallBack: true };
      for (const connection of connections(spec.target)) {
        tried = await attempt(spec, base, connection, deadline, options, t0);
        // Ends the child's whole process group (stdio) or the HTTP session.
        closing.push(connection.transport.close().catch(() => undefined));
        if (!('fallBack' in tried)) break;
      }
      if ('fallBack' in tried) throw new Error('unreachable: the last connection never asks for a fallback');
      record(span, tried.report, tried.outcome);
      const { name, transport, health, reason, timings: t } = tried.report;
      log.info({ server: name, transport, health, reason, ms: t.totalMs }, 'probe finished');
      return { report: tried.report, closed: Promise.all(closing).then(() => undefined) };
    },
  );
}

/**
 * The report of a server we already hold a session to (a gateway's live session, after a list-changed
 * notification): its lists read again over that session, since a fresh process could answer differently.
 */
export async function relistServer(
  spec: ServerSpec,
  session: Session,
  options: ProbeOptions,
): Promise<ServerReport> {
  const base: Base = { name: spec.name, sources: spec.sources, ...describeTarget(spec) };
  const state: Attempt = {
    connection: session.connection,
    client: session.client,
    phase: 'relist',
    listings: empty(),
    partial: [],
  };
  const t0 = performance.now();
  await listEverything(state, new Deadline(options.timeoutMs));
  const reasons = state.partial.map((p) => p.note);
  const report = success(
    base,
    session.connection,
    session.client,
    state.listings,
    reasons.length > 0 ? 'degraded' : 'healthy',
    reasons.join('; '),
    performance.now() - t0,
  );
  return {
    ...report,
    timings: { totalMs: report.timings.totalMs },
    incomplete: state.partial.map((p) => p.method),
  };
}

/** Probe one server and wait until nothing of it is left running. */
export async function probeServer(spec: ServerSpec, options: ProbeOptions): Promise<ServerReport> {
  const { report, closed } = await probe(spec, options);
  await closed;
  return report;
}

function success(
  base: Base,
  connection: Connection,
  client: Client,
  listings: Listings,
  health: Health,
  reason: string,
  totalMs: number,
): ServerReport {
  const info = client.getServerVersion();
  return {
    ...base,
    transport: connection.kind,
    health,
    ...(reason && { reason }),
    incomplete: [],
    ...(info && { serverInfo: info }),
    protocolVersion: connection.transport.protocolVersion,
    capabilities: client.getServerCapabilities() as Record<string, unknown> | undefined,
    instructions: client.getInstructions(),
    timings: timings(connection, totalMs),
    counts: {
      tools: listings.tools.length,
      resources: listings.resources.length,
      resourceTemplates: listings.resourceTemplates.length,
      prompts: listings.prompts.length,
    },
    ...listings,
  };
}

function record(span: Span, report: ServerReport, outcome: Outcome): void {
  if (outcome !== 'success') {
    span.setAttribute(ATTR_ERROR_TYPE, outcome === 'timeout' ? 'timeout' : report.health);
    span.setStatus({ code: SpanStatusCode.ERROR, message: report.health });
  }
  span.setAttributes({
    [ATTR_TRANSPORT]: report.transport,
    [ATTR_HEALTH]: report.health,
    [ATTR_TOOL_COUNT]: report.counts.tools,
    [ATTR_RESOURCE_COUNT]: report.counts.resources,
    [ATTR_TEMPLATE_COUNT]: report.counts.resourceTemplates,
    [ATTR_PROMPT_COUNT]: report.counts.prompts,
  });
  const m = instruments();
  m.serverProbes.add(1, {
    [METRIC_ATTR.server]: report.name,
    [METRIC_ATTR.transport]: report.transport,
    [METRIC_ATTR.outcome]: outcome,
  });
  m.operationSeconds.record(report.timings.totalMs / 1000, {
    [METRIC_ATTR.operation]: 'probe',
    [METRIC_ATTR.kind]: 'background',
    [METRIC_ATTR.outcome]: outcome,
    // Probes alone carry the server: per-server latency on the Discovery dashboard, series bounded by the config.
    [METRIC_ATTR.server]: report.name,
  });
}
