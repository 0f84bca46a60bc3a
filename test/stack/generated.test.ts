import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generatedFiles } from '../../scripts/gen/index.js';
import { KPIS, runbookAnchor } from '../../src/kpi/index.js';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const yamlOf = (path: string) => parse(read(path));

describe('generated observability files', () => {
  it('are what npm run gen writes from src/kpi', () => {
    const stale = Object.entries(generatedFiles())
      .filter(([path, content]) => !existsSync(join(root, path)) || read(path) !== content)
      .map(([path]) => path);
    expect(stale, 'stale generated files: run npm run gen').toEqual([]);
  });

  it('link every alert to a runbook section the README has', () => {
    // GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
    const anchors = new Set(
      [...read('README.md').matchAll(/^#+ (.+)$/gm)].map((m) =>
        (m[1] as string)
          .toLowerCase()
          .replace(/[^\p{L}\p{N} _-]/gu, '')
          .replaceAll(' ', '-'),
      ),
    );
    expect(KPIS.map(runbookAnchor).filter((anchor) => !anchors.has(anchor))).toEqual([]);
    expect(read('alerting/rules.yml')).toContain(`README.md#${runbookAnchor(KPIS[0] as never)}`);
  });

  it('pass promtool check rules and promtool test rules', () => {
    // Debian's prometheus package ships promtool; .ci/run installs it.
    const run = (...args: string[]) =>
      execFileSync('promtool', args, { cwd: join(root, 'alerting'), encoding: 'utf8', stdio: 'pipe' });
    expect(run('check', 'rules', 'rules.yml')).toMatch(/SUCCESS: \d+ rules found/);
    expect(run('test', 'rules', 'tests.yml')).toContain('SUCCESS');
  });
});

type Panel = {
  id?: number;
  type: string;
  datasource?: { uid?: string };
  panels?: Panel[];
  targets?: { datasource?: { uid?: string } }[];
};

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

function provisionedDatasourceUids(): Set<string> {
  const dir = join(root, 'grafana/provisioning/datasources');
  const uids = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((f) =>
      (parse(readFileSync(join(dir, f), 'utf8')).datasources ?? []).map((d: { uid: string }) => d.uid),
    );
  return new Set(uids);
}

describe('Grafana provisioning (schema: Grafana cannot run here)', () => {
  const rules = yamlOf('grafana/provisioning/alerting/rules.yaml').groups.flatMap(
    (g: { rules: unknown[] }) => g.rules,
  ) as { uid: string; condition: string; data: { refId: string; datasourceUid: string }[] }[];

  it('gives every rule a unique uid of at most 40 characters and a condition naming one of its refIds', () => {
    const uids = rules.map((r) => r.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const rule of rules) {
      expect(rule.uid.length, rule.uid).toBeLessThanOrEqual(40);
      expect(
        rule.data.map((d) => d.refId),
        rule.uid,
      ).toContain(rule.condition);
    }
  });

  it('uses only provisioned datasource uids in rules and panels', () => {
    const provisioned = provisionedDatasourceUids();
    expect(provisioned.size).toBeGreaterThan(0);
    const used = new Set(
      rules.flatMap((r) => r.data.map((d) => d.datasourceUid)).filter((uid) => uid !== '__expr__'),
    );
    for (const file of readdirSync(join(root, 'grafana/dashboards'))) {
      const dashboard = JSON.parse(read(`grafana/dashboards/${file}`));
      for (const panel of allPanels(dashboard.panels)) {
        if (panel.datasource?.uid) used.add(panel.datasource.uid);
        for (const target of panel.targets ?? []) if (target.datasource?.uid) used.add(target.datasource.uid);
      }
      for (const variable of dashboard.templating?.list ?? [])
        if (variable.datasource?.uid) used.add(variable.datasource.uid);
    }
    expect([...used].filter((uid) => !provisioned.has(uid))).toEqual([]);
  });

  it('gives every panel of a dashboard a unique id', () => {
    for (const file of readdirSync(join(root, 'grafana/dashboards'))) {
      const ids = allPanels(JSON.parse(read(`grafana/dashboards/${file}`)).panels).map((p) => p.id);
      expect(
        ids.every((id) => typeof id === 'number'),
        file,
      ).toBe(true);
      expect(new Set(ids).size, file).toBe(ids.length);
    }
  });

  it('routes every policy to a contact point that exists', () => {
    const names = new Set(
      yamlOf('grafana/provisioning/alerting/contact-points.yaml').contactPoints.map(
        (c: { name: string }) => c.name,
      ),
    );
    type Route = { receiver?: string; routes?: Route[] };
    const receivers = (route: Route): string[] => [
      ...(route.receiver ? [route.receiver] : []),
      ...(route.routes ?? []).flatMap(receivers),
    ];
    const policies = yamlOf('grafana/provisioning/alerting/policies.yaml').policies as Route[];
    const used = policies.flatMap(receivers);
    expect(used.length).toBeGreaterThan(1);
    expect(used.filter((r) => !names.has(r))).toEqual([]);
  });

  it('escapes every $ that Grafana would expand, except the environment variables compose passes', () => {
    const allowed = new Set(['ALERT_EMAIL_TO', 'SLACK_WEBHOOK_URL', 'ALERT_WEBHOOK_URL']);
    const compose = read('docker-compose.yml');
    for (const name of allowed)
      expect(compose, `docker-compose.yml passes ${name} to Grafana`).toContain(name);
    const dir = 'grafana/provisioning/alerting';
    for (const file of readdirSync(join(root, dir))) {
      const text = read(`${dir}/${file}`).replaceAll('$$', '');
      const references = [...text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
      expect(
        references.filter((name) => !allowed.has(name as string)),
        file,
      ).toEqual([]);
    }
    expect(read(`${dir}/rules.yaml`)).toContain('$$values.B.Value');
  });
});
