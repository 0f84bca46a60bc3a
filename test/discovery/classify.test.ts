import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../src/discovery/index.js';

const base = { phase: 'initialize', timeoutMs: 1000, timedOut: false };

describe('classifyFailure', () => {
  it('403 is unauthorized like 401', () => {
    const v = classifyFailure({ ...base, error: new StreamableHTTPError(403, 'Forbidden') });
    expect([v.health, v.outcome]).toEqual(['unauthorized', 'failure']);
  });

  it('an SDK request timeout is a timeout even before our own deadline', () => {
    const v = classifyFailure({
      ...base,
      phase: 'tools/list',
      error: new McpError(ErrorCode.RequestTimeout, 'Request timed out'),
    });
    expect(v).toEqual({
      health: 'failed',
      outcome: 'timeout',
      reason: 'timed out after 1000 ms during tools/list',
    });
  });

  it('a server killed by a signal says which', () => {
    const v = classifyFailure({
      ...base,
      error: new Error('Connection closed'),
      exitCode: null,
      exitSignal: 'SIGSEGV',
      stderrTail: 'a\nb\nc\nd\n',
    });
    expect(v.reason).toBe('killed by SIGSEGV during initialize: b | c | d');
  });

  it('a JSON-RPC error from the server is a protocol error with its message', () => {
    const v = classifyFailure({
      ...base,
      error: new McpError(ErrorCode.InvalidRequest, 'unsupported protocol version'),
    });
    expect(v.reason).toMatch(/^protocol error during initialize: .*unsupported protocol version/);
  });

  it('other HTTP statuses are named', () => {
    expect(classifyFailure({ ...base, error: new StreamableHTTPError(502, 'Bad Gateway') }).reason).toBe(
      'HTTP 502 during initialize',
    );
  });
});
