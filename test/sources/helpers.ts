import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import type { SourceContext } from '../../src/sources/context.js';

export interface World {
  root: string;
  ctx: SourceContext;
  /** Writes `content` at `root/<path>`, replacing `{{PROJECT}}` with the project directory. Returns the path. */
  write: (path: string, content: string) => string;
}

/**
 * A throwaway machine per test: `home/`, `project/` (the cwd) and `managed/` (Claude Code's system dir)
 * under a temp directory, and an environment holding only what the test passes.
 */
export function useWorlds(): (options?: Partial<Pick<SourceContext, 'env' | 'platform'>>) => World {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });
  return (options = {}) => {
    const root = mkdtempSync(join(tmpdir(), 'mcp-sources-'));
    roots.push(root);
    const ctx: SourceContext = {
      home: join(root, 'home'),
      cwd: join(root, 'project'),
      platform: options.platform ?? 'linux',
      env: options.env ?? {},
      claudeManagedDir: join(root, 'managed'),
    };
    mkdirSync(ctx.home, { recursive: true });
    mkdirSync(ctx.cwd, { recursive: true });
    const write = (path: string, content: string): string => {
      const file = join(root, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content.replaceAll('{{PROJECT}}', ctx.cwd));
      return file;
    };
    return { root, ctx, write };
  };
}
