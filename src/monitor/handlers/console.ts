import type { Alert, AlertHandler } from '../alert.js';
import { summaryLine } from './format.js';

/** One readable line per event on stderr (stdout belongs to `--json` output and the stdio MCP face). */
export function consoleHandler(stream: NodeJS.WritableStream = process.stderr): AlertHandler {
  return {
    name: 'console',
    async send(alert: Alert) {
      stream.write(`${summaryLine(alert)}\n`);
    },
  };
}
