import { trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs on stderr (stdout belongs to `--json` output and the stdio MCP face), each line carrying the
 * active trace_id and span_id. Env and header maps are redacted wherever they appear.
 */
export function createLogger(level: string, destination: NodeJS.WritableStream | number = 2): Logger {
  return pino(
    {
      name: 'mcp-discovery',
      level,
      redact: {
        paths: ['env', '*.env', 'headers', '*.headers', '*.*.env', '*.*.headers'],
        censor: '[redacted]',
      },
      mixin() {
        const ctx = trace.getActiveSpan()?.spanContext();
        return ctx ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
      },
    },
    typeof destination === 'number' ? pino.destination({ fd: destination, sync: true }) : destination,
  );
}

/** The process's logger, like OTel's diag: the library logs here, the face sets the level from settings. */
export const log: Logger = createLogger('warn');
