import type { Command } from 'commander';
import { type GlobalOptions, startRuntime, UsageError } from '../runtime.js';

interface ServeFlags {
  stdio?: boolean;
  http?: boolean;
  host?: string;
  port?: number;
  token?: string;
  config: string[];
  userConfigs: boolean;
  discover: boolean;
}

export function serveCommand(program: Command, wholeNumber: (v: string) => number): void {
  program
    .command('serve')
    .description(
      'serve the catalog as an MCP server: search, inspect and call tools of every configured server',
    )
    .option('--stdio', 'speak MCP on stdin/stdout (for a client that starts us)')
    .option('--http', 'streamable HTTP at /mcp, with /healthz, /readyz and /metrics')
    .option('--host <host>', 'address to bind (default server.host, 127.0.0.1)')
    .option('--port <port>', 'port (default server.port, 7842; 0 picks a free one)', (v) =>
      v === '0' ? 0 : wholeNumber(v),
    )
    .option('--token <token>', 'require `Authorization: Bearer <token>` (or MCP_DISCOVERY_TOKEN)')
    .option(
      '-c, --config <file>',
      'an MCP config file to read (repeatable)',
      (v, acc: string[]) => [...acc, v],
      [],
    )
    .option(
      '--no-user-configs',
      "read only --config files and the environment, not this machine's client configs",
    )
    .option('--no-discover', 'serve the catalog as stored, without probing every server first')
    .action(async (flags: ServeFlags, cmd: Command) => {
      if (!!flags.stdio === !!flags.http) throw new UsageError('choose one of --stdio or --http');
      const server: Record<string, unknown> = {};
      if (flags.host !== undefined) server.host = flags.host;
      if (flags.port !== undefined) server.port = flags.port;
      if (flags.token !== undefined) server.token = flags.token;
      const discovery = flags.userConfigs ? {} : { userConfigs: false };
      const rt = await startRuntime(
        cmd.optsWithGlobals<GlobalOptions>(),
        { server, discovery },
        { prometheus: !!flags.http, exportByDefault: true, inProcess: true },
      );
      if (flags.http) {
        // Refused before any server is probed: the fix is a flag away.
        const { assertBindable } = await import('../../server/http-bind.js');
        try {
          assertBindable(rt.settings.server.host, rt.settings.server.token);
        } catch (error) {
          await rt.telemetry.shutdown();
          throw new UsageError((error as Error).message);
        }
      }
      const { serve } = await import('../../server/serve.js');
      await serve({
        settings: rt.settings,
        settingsFile: rt.settingsFile,
        telemetry: rt.telemetry,
        configFiles: flags.config,
        discoverOnStart: flags.discover,
        face: flags.stdio ? 'stdio' : 'http',
      });
    });
}
