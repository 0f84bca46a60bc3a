import { type Attributes, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from './semconv.js';

export const tracer = () => trace.getTracer('mcp-discovery');

/** `error.type` from the error's code or class name, never its message (messages may carry secrets). */
export function errorType(error: unknown): string {
  // An abort or timeout carries a legacy numeric code (23, 20); its name says what happened.
  if (error instanceof DOMException) return error.name;
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    if (typeof code === 'number') return String(code);
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name && name !== 'Error') return name;
  }
  return '_OTHER';
}

export function recordError(span: Span, error: unknown): void {
  span.setAttribute(ATTR_ERROR_TYPE, errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** Runs `fn` inside an active span that ends when `fn` settles; a throw marks the span as an error and rethrows. */
export async function withSpan<T>(
  name: string,
  options: { attributes?: Attributes; kind?: SpanKind },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
    async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        recordError(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
