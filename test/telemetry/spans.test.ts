import { describe, expect, it } from 'vitest';
import { errorType } from '../../src/telemetry/index.js';

describe('errorType', () => {
  it('names an abort or timeout by its name, not its legacy numeric code', () => {
    expect(errorType(new DOMException('The operation timed out.', 'TimeoutError'))).toBe('TimeoutError');
    expect(errorType(new DOMException('aborted', 'AbortError'))).toBe('AbortError');
  });

  it('prefers a code, then a class name, and never the message', () => {
    expect(errorType(Object.assign(new Error('open /secret/path'), { code: 'ENOENT' }))).toBe('ENOENT');
    expect(errorType({ code: -32001, message: 'Request timed out' })).toBe('-32001');
    expect(errorType(new TypeError('token abc'))).toBe('TypeError');
    expect(errorType(new Error('token abc'))).toBe('_OTHER');
  });
});
