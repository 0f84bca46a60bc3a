import type { ServerReport } from '../discovery/index.js';
import { serverLine } from './format.js';

/**
 * Live progress: a line per server as it finishes, and on a terminal a status line (`probing 3/12`) that is
 * rewritten in place. With `--json` nothing is printed until the end.
 */
export function progressPrinter(out: NodeJS.WriteStream, enabled: boolean) {
  const tty = enabled && out.isTTY;
  let status = false;
  let width = 0;
  const clear = () => {
    if (status) out.write('\r\x1b[2K');
    status = false;
  };
  return {
    start(specs: readonly { name: string }[]) {
      width = Math.max(0, ...specs.map((s) => s.name.length));
      if (tty && specs.length > 0) {
        out.write(`probing 0/${specs.length} servers…`);
        status = true;
      }
    },
    server(report: ServerReport, done: number, total: number) {
      if (!enabled) return;
      clear();
      out.write(`${serverLine(report, width)}\n`);
      if (tty && done < total) {
        out.write(`probing ${done}/${total} servers…`);
        status = true;
      }
    },
    end: clear,
  };
}
