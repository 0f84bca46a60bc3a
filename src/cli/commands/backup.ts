import type { Command } from 'commander';
import { runOperation, size } from '../operation.js';
import { writeJson } from '../runtime.js';

export function backupCommand(program: Command): void {
  program
    .command('backup')
    .description('copy the database (online), the settings file and the client configs into DIR/<timestamp>/')
    .argument('<dir>', 'folder that receives one timestamped backup folder per run')
    .option(
      '-c, --config <file>',
      'an MCP config file to keep as well (repeatable), as for discover',
      (v, acc: string[]) => [...acc, v],
      [],
    )
    .option('--json', 'print the manifest and the backup folder as JSON')
    .action(async (dir: string, flags: { config: string[]; json?: boolean }, cmd: Command) =>
      runOperation(cmd, async (rt) => {
        const { backup } = await import('../../maintenance/backup.js');
        const { folder, manifest } = await backup({
          settings: rt.settings,
          dir,
          settingsFile: rt.settingsFile,
          configFiles: flags.config,
        });
        if (flags.json) return writeJson({ folder, ...manifest });
        const lines = manifest.files.map((f) => `  ${f.role.padEnd(13)} ${f.originalPath} (${size(f.size)})`);
        process.stdout.write(
          `backed up to ${folder} (schema ${manifest.schemaVersion}):\n${lines.join('\n')}\n` +
            `restore with: mcp-discovery restore ${dir}\n`,
        );
      }),
    );
  program
    .command('restore')
    .description('verify a backup, then put its database back (the replaced one is kept under replaced/)')
    .argument('<dir>', 'a backup folder, or the folder given to backup (its newest backup is taken)')
    .option('--configs', 'also put the settings file and client configs back at their original paths')
    .option('--json', 'print what was restored as JSON')
    .action(async (dir: string, flags: { configs?: boolean; json?: boolean }, cmd: Command) =>
      runOperation(cmd, async (rt) => {
        const { restore } = await import('../../maintenance/restore.js');
        const r = await restore({ settings: rt.settings, dir, configs: flags.configs });
        const { createdAt, appVersion, schemaVersion } = r.manifest;
        if (flags.json)
          return writeJson({
            from: r.from,
            createdAt,
            appVersion,
            schemaVersion,
            database: r.database,
            replacedDir: r.replacedDir,
            files: r.files,
          });
        const lines = [
          `restored ${r.database} from ${r.from} (made ${createdAt} by mcp-discovery ${appVersion}, schema ${schemaVersion})`,
          ...r.files.filter((f) => f.action !== 'skipped').map((f) => `${f.action} ${f.originalPath}`),
        ];
        const skipped = r.files.filter((f) => f.action === 'skipped').length;
        if (skipped > 0)
          lines.push(
            `${skipped} settings/client config file(s) not restored: pass --configs to put them back`,
          );
        lines.push(`what was replaced is kept in ${r.replacedDir}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
}
