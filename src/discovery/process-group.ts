/**
 * Servers are spawned as leaders of their own process group (POSIX), so that ending one ends its whole tree:
 * `npx` -> `sh` -> `node server.js` all die together. Groups still alive when our process exits are killed then.
 */
const live = new Set<number>();
let exitHookInstalled = false;

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(process.platform === 'win32' ? pgid : -pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: nobody left in the group
  }
}

export function groupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0);
}

export function trackGroup(pgid: number): void {
  live.add(pgid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const id of live) signalGroup(id, 'SIGKILL');
    });
  }
}

/** Waits for the group to empty, checking every 25 ms, up to `ms`. */
async function waitGone(pgid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (groupAlive(pgid)) {
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

/** SIGTERM to the whole group, SIGKILL to whatever is left after `graceMs`. Resolves once the group is empty. */
export async function endGroup(pgid: number, graceMs = 1_000): Promise<void> {
  if (signalGroup(pgid, 'SIGTERM') && !(await waitGone(pgid, graceMs))) {
    signalGroup(pgid, 'SIGKILL');
    await waitGone(pgid, 2_000);
  }
  live.delete(pgid);
}
