import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli.js';
import { rows, tempDirs } from './helpers.js';

const dir = tempDirs('mcp-discovery-install-');

const EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'Stop',
  'SessionEnd',
];

/** A user's settings with much besides hooks, four-space indented as some people keep it. */
const ORIGINAL = {
  model: 'opus',
  permissions: { allow: ['Bash(npm test)'], deny: ['Read(./.env)'] },
  env: { FOO: 'bar' },
  statusLine: { type: 'command', command: '~/.claude/statusline.sh' },
  hooks: {
    PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: '~/.claude/check-bash.sh' }] }],
    Notification: [{ hooks: [{ type: 'command', command: 'notify-send Claude' }] }],
  },
};

function home() {
  const h = dir();
  const file = join(h, '.claude', 'settings.json');
  mkdirSync(join(h, '.claude'));
  writeFileSync(file, `${JSON.stringify(ORIGINAL, null, 4)}\n`, { mode: 0o644 });
  const data = join(h, 'data');
  const cli = (args: string[], cwd = h) => runCli(['--data-dir', data, ...args], { HOME: h }, { cwd });
  return { h, file, data, cli };
}

const backups = (file: string) =>
  readdirSync(join(file, '..')).filter((f) => f.startsWith('settings.json.bak-'));

describe('hooks install and uninstall', () => {
  it('adds our entries to user settings, keeps everything else, backs up, and is idempotent', async () => {
    const { file, data, cli } = home();
    const before = readFileSync(file, 'utf8');
    const r = await cli(['hooks', 'install']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`installed in ${file}`);

    const after = JSON.parse(readFileSync(file, 'utf8'));
    const { hooks, ...rest } = after;
    const { hooks: originalHooks, ...originalRest } = ORIGINAL;
    expect(rest).toEqual(originalRest);
    expect(Object.keys(hooks).sort()).toEqual([...EVENTS, 'Notification'].sort());
    expect(hooks.Notification).toEqual(originalHooks.Notification);
    expect(hooks.PreToolUse[0]).toEqual(originalHooks.PreToolUse[0]);
    const ours = hooks.PreToolUse[1];
    expect(ours).toEqual({
      matcher: '*',
      hooks: [
        {
          type: 'command',
          command: expect.stringContaining('dist/cli/main.js hook --data-dir'),
          timeout: 10,
        },
      ],
    });
    expect(ours.hooks[0].command).toMatch(new RegExp(`^${process.execPath}\\s.*--data-dir ${data}$`));
    expect(hooks.SessionStart).toEqual([{ hooks: [expect.objectContaining({ type: 'command' })] }]);
    expect(readFileSync(file, 'utf8')).toMatch(/^ {4}"model"/m);
    expect(statSync(file).mode & 0o777).toBe(0o644);
    const [backup] = backups(file);
    expect(readFileSync(join(file, '..', backup as string), 'utf8')).toBe(before);

    const again = await cli(['hooks', 'install']);
    expect(again.stdout).toContain('already installed');
    expect(backups(file)).toHaveLength(1);

    const gone = await cli(['hooks', 'uninstall']);
    expect(gone.stdout).toContain(`removed 7 hook entries from ${file}`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(ORIGINAL);
    expect(backups(file)).toHaveLength(2);
    expect((await cli(['hooks', 'uninstall'])).stdout).toContain('nothing changed');
  });

  it('writes project and local settings in the working directory, creating them without a backup', async () => {
    const { h, cli } = home();
    const project = dir();
    expect((await cli(['hooks', 'install', '--scope', 'project'], project)).code).toBe(0);
    expect((await cli(['hooks', 'install', '--scope', 'local', '--context'], project)).code).toBe(0);
    for (const name of ['settings.json', 'settings.local.json']) {
      const settings = JSON.parse(readFileSync(join(project, '.claude', name), 'utf8'));
      expect(Object.keys(settings.hooks)).toEqual(EVENTS);
    }
    expect(readdirSync(join(project, '.claude')).sort()).toEqual(['settings.json', 'settings.local.json']);
    expect(JSON.parse(readFileSync(join(h, 'data', 'hooks.json'), 'utf8'))).toMatchObject({
      contextEnabled: true,
      minScore: 8,
      maxSuggestions: 3,
    });
    const status = JSON.parse((await cli(['hooks', 'status', '--json'], project)).stdout);
    expect(status.scopes.map((s: { scope: string; events: string[] }) => [s.scope, s.events.length])).toEqual(
      [
        ['user', 0],
        ['project', 7],
        ['local', 7],
      ],
    );
    expect(status.contextEnabled).toBe(true);
  });

  it('refuses a settings file that is not JSON, and changes nothing', async () => {
    const { file, cli } = home();
    writeFileSync(file, '{ "model": "opus", // a comment\n}');
    const r = await cli(['hooks', 'install']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: not valid JSON`);
    expect(readFileSync(file, 'utf8')).toBe('{ "model": "opus", // a comment\n}');
    expect(backups(file)).toEqual([]);
  });

  it('hooks test sends a sample event through the installed command and cleans up after it', async () => {
    const { data, cli } = home();
    const none = await cli(['hooks', 'test']);
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining('no mcp-discovery hook installed')]);
    await cli(['hooks', 'install']);
    const r = await cli(['hooks', 'test']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✔ the user hook recorded a sample event in \d+ ms \(exit 0\)/);
    expect(existsSync(join(data, 'mcp-discovery.db'))).toBe(true);
    expect(rows(data)).toEqual([]);
    const status = await cli(['hooks', 'status']);
    expect(status.stdout).toMatch(/✔ user: 7 events/);
  });
});
