import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { assertBindable } from '../../src/server/http-bind.js';
import { SettingsSchema } from '../../src/settings/index.js';

// Schema checks of the bundled stack: no Docker engine here, so these prove that the files agree with each other.
const ROOT = join(import.meta.dirname, '../..');
const text = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const Names = z.array(z.string()).default([]);
const Section = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((s) => s ?? {});
const Pipeline = z.object({ receivers: Names, processors: Names, exporters: Names });
const Collector = z.object({
  extensions: Section,
  receivers: Section,
  processors: Section,
  exporters: Section,
  connectors: Section,
  service: z.object({
    extensions: Names,
    pipelines: z.record(z.string(), Pipeline),
    telemetry: z.object({ metrics: z.looseObject({ readers: z.array(z.unknown()) }) }),
  }),
});
const Service = z.looseObject({
  image: z.string().optional(),
  profiles: Names,
  build: z.unknown().optional(),
  command: z.union([z.string(), z.array(z.string())]).optional(),
  environment: z.record(z.string(), z.string()).default({}),
  ports: Names,
  volumes: Names,
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).default({}),
  healthcheck: z.object({ test: z.array(z.string()) }).optional(),
});
const Compose = z.looseObject({
  'x-images': z.record(z.string(), z.string()),
  services: z.record(z.string(), Service),
  volumes: Section,
});
const Datasources = z.object({
  apiVersion: z.literal(1),
  datasources: z.array(
    z.looseObject({ uid: z.string(), type: z.string(), url: z.string(), isDefault: z.boolean().optional() }),
  ),
});

const collector = Collector.parse(parse(text('otel-collector/config.yaml')));
// merge: the scale profile's app-1 and app-2 share one definition through YAML merge keys, as compose reads them.
const compose = Compose.parse(parse(text('docker-compose.yml'), { merge: true }));
const prometheus = z
  .looseObject({
    rule_files: z.array(z.string()),
    scrape_configs: z.array(
      z.object({ job_name: z.string(), static_configs: z.array(z.object({ targets: z.array(z.string()) })) }),
    ),
    otlp: z.looseObject({ promote_resource_attributes: z.array(z.string()) }),
    storage: z.object({ tsdb: z.looseObject({ out_of_order_time_window: z.string() }) }),
  })
  .parse(parse(text('prometheus/prometheus.yml')));
const tempo = parse(text('tempo/tempo.yaml'));
const datasources = Datasources.parse(parse(text('grafana/provisioning/datasources/datasources.yaml')));
const dashboards = parse(text('grafana/provisioning/dashboards/dashboards.yaml'));

/** Compose and Collector defaults as written: `${VAR:-default}` and `${env:VAR:-default}` become `default`. */
const withDefaults = (s: string) => s.replace(/\$\{(?:env:)?[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}/g, '$1');
/** host and port of `http://host:port/path` or `host:port`. */
function hostPort(endpoint: string): { host: string; port: number; path: string } {
  const url = new URL(endpoint.includes('://') ? endpoint : `tcp://${endpoint}`);
  return { host: url.hostname, port: Number(url.port), path: url.pathname };
}
const service = (name: string) => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml: no service ${name}`);
  return found;
};
const args = (name: string) => [service(name).command ?? []].flat();
/** compose host path -> container path of a service's bind mounts (`./x:/y[:ro]`). */
const binds = (name: string) =>
  new Map(
    service(name)
      .volumes.filter((v) => v.startsWith('./'))
      .map((v) => v.split(':') as [string, string]),
  );
const pipelines = Object.entries(collector.service.pipelines);
const typeOf = (id: string) => id.split('/')[0];

describe('otel-collector/config.yaml', () => {
  it('names in every pipeline only components that are defined', () => {
    const undefinedIds = pipelines.flatMap(([name, p]) =>
      [
        ...p.receivers.filter((id) => !(id in collector.receivers || id in collector.connectors)),
        ...p.processors.filter((id) => !(id in collector.processors)),
        ...p.exporters.filter((id) => !(id in collector.exporters || id in collector.connectors)),
      ].map((id) => `${name}: ${id}`),
    );
    expect(undefinedIds).toEqual([]);
    expect(collector.service.extensions.filter((id) => !(id in collector.extensions))).toEqual([]);
  });

  it('uses every component it defines', () => {
    const used = new Set(pipelines.flatMap(([, p]) => [...p.receivers, ...p.processors, ...p.exporters]));
    const defined = [
      collector.receivers,
      collector.processors,
      collector.exporters,
      collector.connectors,
    ].flatMap(Object.keys);
    expect(defined.filter((id) => !used.has(id))).toEqual([]);
    expect(
      Object.keys(collector.extensions).filter((id) => !collector.service.extensions.includes(id)),
    ).toEqual([]);
  });

  it('feeds each connector from one pipeline into another: span_metrics turns traces into metrics', () => {
    for (const id of Object.keys(collector.connectors)) {
      const from = pipelines.filter(([, p]) => p.exporters.includes(id)).map(([n]) => n);
      const to = pipelines.filter(([, p]) => p.receivers.includes(id)).map(([n]) => n);
      expect(from.length, id).toBeGreaterThan(0);
      expect(to.length, id).toBeGreaterThan(0);
      expect(
        from.some((n) => to.includes(n)),
        id,
      ).toBe(false);
    }
    expect(pipelines.find(([, p]) => p.exporters.includes('span_metrics'))?.[0]).toMatch(/^traces/);
    expect(pipelines.find(([, p]) => p.receivers.includes('span_metrics'))?.[0]).toMatch(/^metrics/);
    expect(collector.connectors.span_metrics).toMatchObject({ exemplars: { enabled: true } });
  });

  it('puts memory_limiter first and batch last in every pipeline', () => {
    for (const [name, p] of pipelines) {
      expect(typeOf(p.processors[0] ?? ''), name).toBe('memory_limiter');
      expect(typeOf(p.processors.at(-1) ?? ''), name).toBe('batch');
    }
  });

  it('clears every metric unit in the metrics pipeline, so OTLP and /metrics give the same names', () => {
    const metrics = collector.service.pipelines.metrics;
    const transform = metrics?.processors.find((id) => typeOf(id) === 'transform') ?? '';
    expect(collector.processors[transform]).toMatchObject({ metric_statements: ['set(metric.unit, "")'] });
  });

  it('uses the current component names, not the deprecated aliases', () => {
    const ids = [collector.exporters, collector.connectors, collector.receivers]
      .flatMap(Object.keys)
      .map(typeOf);
    for (const old of ['otlphttp', 'spanmetrics']) expect(ids).not.toContain(old);
    expect(Object.keys(collector.exporters).map(typeOf)).not.toContain('otlp');
    expect(collector.service.telemetry.metrics).not.toHaveProperty('address');
  });

  it('listens wide only for OTLP; the rest defaults to loopback', () => {
    const yaml = text('otel-collector/config.yaml');
    expect([...yaml.matchAll(/0\.0\.0\.0:(\d+)/g)].map((m) => m[1])).toEqual(['4317', '4318']);
    const health = withDefaults(String((collector.extensions.health_check as { endpoint: string }).endpoint));
    expect(health).toBe('127.0.0.1:13133');
    expect(service('otel-collector').environment.OTELCOL_INTERNAL_HOST).toBe('otel-collector');
  });

  it('exports to compose services, on the ports they listen on', () => {
    const target = Object.fromEntries(
      Object.entries(collector.exporters).flatMap(([id, cfg]) => {
        const parsed = z.object({ endpoint: z.string() }).safeParse(cfg);
        return parsed.success ? [[id, hostPort(parsed.data.endpoint)] as const] : [];
      }),
    );
    expect(Object.keys(target).sort()).toEqual(['otlp_grpc/tempo', 'otlp_http/prometheus']);
    for (const [id, { host }] of Object.entries(target))
      expect(Object.keys(compose.services), id).toContain(host);
    expect(target['otlp_http/prometheus']).toEqual({ host: 'prometheus', port: 9090, path: '/api/v1/otlp' });
    expect(args('prometheus')).toContain('--web.enable-otlp-receiver');
    expect(target['otlp_grpc/tempo']).toEqual(
      hostPort(tempo.distributor.receivers.otlp.protocols.grpc.endpoint),
    );
  });
});

describe('prometheus/prometheus.yml', () => {
  it('loads the rule file where compose mounts it, and its config from the mounted file', () => {
    expect(prometheus.rule_files).toEqual([binds('prometheus').get('./alerting/rules.yml')]);
    expect(args('prometheus')).toContain(
      `--config.file=${binds('prometheus').get('./prometheus/prometheus.yml')}`,
    );
  });

  it('scrapes itself and the Collector on the port of its metrics reader', () => {
    const targets = Object.fromEntries(
      prometheus.scrape_configs.map((j) => [j.job_name, j.static_configs.flatMap((s) => s.targets)]),
    );
    expect(targets.prometheus).toEqual(['localhost:9090']);
    const reader = collector.service.telemetry.metrics.readers[0] as {
      pull: { exporter: { prometheus: { port: number } } };
    };
    expect(targets['otel-collector']).toEqual([`otel-collector:${reader.pull.exporter.prometheus.port}`]);
  });

  it('promotes the resource attributes dashboards group by, and accepts late OTLP samples', () => {
    const wanted = [
      'service.instance.id',
      'service.name',
      'service.namespace',
      'service.version',
      'deployment.environment.name',
      'host.name',
    ];
    expect(prometheus.otlp.promote_resource_attributes).toEqual(expect.arrayContaining(wanted));
    expect(prometheus.storage.tsdb.out_of_order_time_window).toMatch(/^\d+[smh]$/);
    expect(args('prometheus')).toEqual(
      expect.arrayContaining(['--enable-feature=exemplar-storage', '--web.enable-remote-write-receiver']),
    );
  });
});

describe('tempo/tempo.yaml', () => {
  it('remote-writes generated metrics to Prometheus with the processors enabled', () => {
    const [write] = tempo.metrics_generator.storage.remote_write;
    expect(hostPort(write.url)).toEqual({ host: 'prometheus', port: 9090, path: '/api/v1/write' });
    expect(write.send_exemplars).toBe(true);
    expect(tempo.overrides.defaults.metrics_generator.processors).toEqual(['service-graphs', 'span-metrics']);
    expect(tempo.overrides.defaults.metrics_generator.trace_id_label_name).toBe('trace_id');
    expect(tempo.compactor.compaction.block_retention).toMatch(/^\d+h$/);
    expect(tempo.storage.trace.backend).toBe('local');
  });
});

describe('grafana/provisioning', () => {
  const uids = datasources.datasources.map((d) => d.uid);
  /** Every `datasourceUid` value anywhere below `node`. */
  function referenced(node: unknown): string[] {
    if (Array.isArray(node)) return node.flatMap(referenced);
    if (!node || typeof node !== 'object') return [];
    return Object.entries(node).flatMap(([k, v]) => (k === 'datasourceUid' ? [String(v)] : referenced(v)));
  }

  it('provisions the fixed uids once each, Prometheus as the default', () => {
    expect(new Set(uids).size).toBe(uids.length);
    expect(uids).toEqual(expect.arrayContaining(['prometheus', 'tempo']));
    expect(datasources.datasources.filter((d) => d.isDefault).map((d) => d.uid)).toEqual(['prometheus']);
  });

  it('links only to provisioned data sources', () => {
    const refs = referenced(datasources.datasources);
    expect(refs).toEqual(expect.arrayContaining(['tempo', 'prometheus']));
    expect(refs.filter((uid) => !uids.includes(uid))).toEqual([]);
    // Grafana expands $VAR in provisioning files: template variables must be written $$.
    expect(text('grafana/provisioning/datasources/datasources.yaml')).not.toMatch(/(?<!\$)\$__/);
  });

  it('reaches each data source at a compose service and its port', () => {
    const url = (uid: string) => hostPort(datasources.datasources.find((d) => d.uid === uid)?.url ?? '');
    expect(url('prometheus')).toMatchObject({ host: 'prometheus', port: 9090 });
    expect(url('tempo')).toMatchObject({ host: 'tempo', port: tempo.server.http_listen_port });
  });

  it('loads dashboards from where compose mounts them', () => {
    expect(dashboards.providers[0].options.path).toBe(binds('grafana').get('./grafana/dashboards'));
    expect(binds('grafana').get('./grafana/provisioning')).toBe('/etc/grafana/provisioning');
  });
});

describe('docker-compose.yml', () => {
  it('pins every pulled image to an exact release, all of them in x-images', () => {
    const pinned = Object.values(compose['x-images']);
    for (const [name, s] of Object.entries(compose.services).filter(([, s]) => !s.build)) {
      expect(pinned, name).toContain(s.image);
      // PostgreSQL numbers its releases major.minor; the Debian release is pinned with it.
      const release = name === 'postgres' ? /^postgres:\d+\.\d+-bookworm$/ : /^[\w./-]+:v?\d+\.\d+\.\d+$/;
      expect(withDefaults(s.image ?? ''), name).toMatch(release);
    }
    // Without a profile, the stack is the one it always was.
    const always = Object.entries(compose.services).filter(([, s]) => s.profiles.length === 0);
    expect(always.map(([name]) => name).sort()).toEqual([
      'app',
      'grafana',
      'otel-collector',
      'prometheus',
      'tempo',
    ]);
  });

  it('publishes ports on 127.0.0.1 only', () => {
    const ports = Object.values(compose.services).flatMap((s) => s.ports);
    expect(ports.length).toBeGreaterThan(0);
    for (const p of ports) expect(p).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
  });

  const mounts = Object.values(compose.services).flatMap((s) =>
    s.volumes.filter((v) => v.startsWith('./')).map((v) => v.split(':')[0] ?? ''),
  );
  it.each(mounts)('mounts %s, which exists in the repository', (path) => {
    expect(existsSync(join(ROOT, path))).toBe(true);
  });

  it('declares every named volume and waits only on services that have a healthcheck', () => {
    const named = Object.values(compose.services).flatMap((s) =>
      s.volumes.filter((v) => !v.startsWith('.')).map((v) => v.split(':')[0]),
    );
    expect(named.filter((v) => !(v && v in compose.volumes))).toEqual([]);
    for (const [name, s] of Object.entries(compose.services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on)) {
        expect(Object.keys(compose.services), name).toContain(dep);
        if (condition === 'service_healthy')
          expect(service(dep).healthcheck, `${name} -> ${dep}`).toBeDefined();
      }
    }
  });

  it('runs the app with settings it accepts, exporting to the Collector', () => {
    const env = Object.fromEntries(
      Object.entries(service('app').environment).map(([k, v]) => [k, withDefaults(v)]),
    );
    const server = {
      host: env.MCP_DISCOVERY_HOST,
      port: Number(env.MCP_DISCOVERY_PORT),
      token: env.MCP_DISCOVERY_TOKEN,
    };
    expect(SettingsSchema.safeParse({ server }).success).toBe(true);
    expect(() => assertBindable(server.host ?? '', server.token)).not.toThrow();
    expect(service('app').ports).toEqual([`127.0.0.1:${server.port}:${server.port}`]);
    expect(service('app').healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${server.port}/healthz`);
    expect(hostPort(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '')).toMatchObject({
      host: 'otel-collector',
      port: 4318,
    });
    expect(collector.receivers.otlp).toMatchObject({ protocols: { http: { endpoint: '0.0.0.0:4318' } } });
    expect(env.OTEL_SERVICE_NAME).toBe('mcp-discovery');
    expect(service('app').volumes).toContain(`app-data:${env.MCP_DISCOVERY_DATA_DIR}`);
  });

  it('passes Grafana the variables its alerting provisioning reads, each with a default', () => {
    const env = service('grafana').environment;
    for (const name of [
      'GF_SMTP_ENABLED',
      'GF_SMTP_HOST',
      'GF_SMTP_FROM_ADDRESS',
      'ALERT_EMAIL_TO',
      'SLACK_WEBHOOK_URL',
      'ALERT_WEBHOOK_URL',
    ]) {
      expect(env[name], name).toMatch(new RegExp(`^\\$\\{${name}:-.+\\}$`));
    }
    expect(env).toHaveProperty('GF_SMTP_USER');
    expect(env).toHaveProperty('GF_SMTP_PASSWORD');
  });
});

describe('docker-compose.yml profile scale', () => {
  const scaled = Object.entries(compose.services).filter(([, s]) => s.profiles.includes('scale'));
  const env = (name: string) =>
    Object.fromEntries(Object.entries(service(name).environment).map(([k, v]) => [k, withDefaults(v)]));
  const nginx = text('nginx/nginx.conf').replace(/#.*$/gm, '');
  const blocks = (kind: string) =>
    new Map(
      [...nginx.matchAll(new RegExp(`^\\s*${kind}\\s+([^{]+?)\\s*\\{([^}]*)\\}`, 'gm'))].map((m) => [
        m[1],
        m[2] ?? '',
      ]),
    );
  const upstreams = blocks('upstream');
  const locations = blocks('location');
  const servers = (body: string) =>
    [...body.matchAll(/^\s*server\s+(\S+?)(?:\s+[^;]*)?;/gm)].map((m) => m[1]);
  const upstreamOf = (location: string) =>
    locations.get(location)?.match(/proxy_pass http:\/\/(\w+);/)?.[1] ?? '';

  it('adds postgres, two app instances and a load balancer, only under the profile', () => {
    expect(scaled.map(([name]) => name).sort()).toEqual(['app-1', 'app-2', 'lb', 'postgres']);
    for (const [name, s] of scaled) expect(s.profiles, name).toEqual(['scale']);
    expect(service('lb').image).toBe(compose['x-images'].nginx);
    expect(service('postgres').image).toBe(compose['x-images'].postgres);
  });

  it('runs PostgreSQL with a readiness check, a named volume and a password from the environment', () => {
    const pgService = service('postgres');
    expect(pgService.healthcheck?.test).toContain('pg_isready');
    expect(pgService.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    expect(pgService.ports).toEqual([]);
    expect(pgService.environment.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:-.+\}$/);
  });

  it('points both apps at one database with one token, each exporting under its own instance id', () => {
    const [one, two] = [env('app-1'), env('app-2')];
    const db = env('postgres');
    expect(one.MCP_DISCOVERY_POSTGRES_URL).toBe(two.MCP_DISCOVERY_POSTGRES_URL);
    expect(one.MCP_DISCOVERY_TOKEN).toBe(two.MCP_DISCOVERY_TOKEN);
    const u = new URL(one.MCP_DISCOVERY_POSTGRES_URL ?? '');
    expect([u.hostname, u.port, u.pathname, u.username, u.password]).toEqual([
      'postgres',
      '5432',
      `/${db.POSTGRES_DB}`,
      db.POSTGRES_USER,
      db.POSTGRES_PASSWORD,
    ]);
    for (const [name, e] of [
      ['app-1', one],
      ['app-2', two],
    ] as const) {
      expect(e.MCP_DISCOVERY_STORE, name).toBe('postgres');
      expect(e.OTEL_RESOURCE_ATTRIBUTES, name).toBe(`service.instance.id=${name}`);
      expect(hostPort(e.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').host, name).toBe('otel-collector');
      expect(service(name).depends_on.postgres?.condition, name).toBe('service_healthy');
      const settings = {
        store: { backend: e.MCP_DISCOVERY_STORE, postgresUrl: e.MCP_DISCOVERY_POSTGRES_URL },
        server: {
          host: e.MCP_DISCOVERY_HOST,
          port: Number(e.MCP_DISCOVERY_PORT),
          token: e.MCP_DISCOVERY_TOKEN,
        },
      };
      expect(SettingsSchema.safeParse(settings).success, name).toBe(true);
      expect(service(name).volumes, name).toContain(`${name}-data:${e.MCP_DISCOVERY_DATA_DIR}`);
    }
  });

  it('balances onto the apps from nginx/nginx.conf, mounted where nginx reads it, on the published port', () => {
    expect(binds('lb').get('./nginx/nginx.conf')).toBe('/etc/nginx/nginx.conf');
    const listen = nginx.match(/listen\s+(\d+);/)?.[1];
    expect(service('lb').ports).toEqual([`127.0.0.1:7843:${listen}`]);
    const appPort = env('app-1').MCP_DISCOVERY_PORT;
    for (const [name, body] of upstreams)
      expect(servers(body), name).toEqual([`app-1:${appPort}`, `app-2:${appPort}`]);
    for (const path of ['= /mcp', '~ ^/(healthz|readyz|metrics)$'])
      expect(upstreams.has(upstreamOf(path)), path).toBe(true);
  });

  it('keeps each MCP session on the instance that opened it: hash on the session header, 404 passed on', () => {
    const mcp = upstreams.get(upstreamOf('= /mcp')) ?? '';
    expect(mcp).toMatch(/^\s*hash \$http_mcp_session_id consistent;/m);
    const location = locations.get('= /mcp') ?? '';
    // The hash need not name the instance that opened the session: its 404 sends the request on to the other.
    expect(location).toMatch(/proxy_next_upstream [^;]*\bhttp_404\b[^;]*\bnon_idempotent\b/);
    expect(location).not.toMatch(/proxy_next_upstream [^;]*\btimeout\b/);
    expect(location).toContain(`proxy_next_upstream_tries ${servers(mcp).length};`);
    expect(location).toMatch(/proxy_buffering off;/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = text('Dockerfile');
  it('builds on a pinned Node 20 bookworm-slim and runs the CLI as the node user', () => {
    expect(dockerfile).toMatch(/^ARG NODE_VERSION=20\.\d+\.\d+$/m);
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    const nodeImages = froms.filter((f) => f?.startsWith('node:'));
    expect(nodeImages.length).toBeGreaterThan(0);
    for (const image of nodeImages) expect(image).toMatch(/^node:\$\{NODE_VERSION\}-bookworm-slim$/);
    expect(dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))).toMatch(
      /\nUSER node\n[\s\S]*\nENTRYPOINT \["node", "dist\/cli\/main\.js"\]/,
    );
  });

  it('installs each server examples/demo.mcp.json starts, at its pinned devDependency version', () => {
    const demo = text('examples/demo.mcp.json');
    const packages = [
      ...new Set([...demo.matchAll(/node_modules\/(@[^/]+\/[^/]+)\//g)].map((m) => m[1] ?? '')),
    ];
    const dev = (JSON.parse(text('package.json')) as { devDependencies: Record<string, string> })
      .devDependencies;
    expect(packages).toHaveLength(3);
    for (const p of packages) {
      expect(dev[p], p).toMatch(/^\d+\.\d+\.\d+$/);
      expect(dockerfile, p).toContain(`'${p}'`);
    }
  });

  it('keeps local state out of the build context', () => {
    const ignored = text('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', 'bench']));
  });
});
