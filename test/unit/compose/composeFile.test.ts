// docker-compose.yml without a Docker engine: interpolated as `docker compose config`
// does, validated against the Compose Specification's JSON schema (vendored here from
// compose-spec/compose-spec, schema/compose-spec.json, Apache-2.0: SOURCE.md), and held
// to what `npm run test:production` proves on the real server.
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { loadEnv } from '../../../config/env';
import { startTracing } from '../../../shared/tracing';

const root = path.resolve(__dirname, '..', '..', '..');
const composeText = fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS script
const { TEMPORAL_SERVER_VERSION } = require('../../../scripts/install-temporal-server.js') as { TEMPORAL_SERVER_VERSION: string };

const REQUIRED = {
  API_KEYS: 'admin=0123456789abcdef0123456789abcdef',
  POSTGRES_PASSWORD: 'pg-secret',
  CASEWORK_DB_PASSWORD: 'app-secret',
  CUSTOMER_LINK_SECRET: 'link-secret-0123456789',
  API_KEY_SECRET: 'api-key-secret-0123456789-0123456789',
  PAYLOAD_KEYS: 'k1:AAAA',
};

/** Compose interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, $$. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Z0-9_]+)(?:(:?)([-?])((?:[^{}]|\{[^{}]*\})*))?\}/g, (whole, name: string, colon: string, op: string, arg: string) => {
    if (whole === '$$') return '$';
    const value = env[name];
    const unset = value === undefined || (colon === ':' && value === '');
    if (op === '?' && unset) throw new Error(`required variable ${name}: ${arg}`);
    if (op === '-' && unset) return arg;
    return value ?? '';
  });
}

/** As compose-go does: parse the YAML, then interpolate each string value (so `KEY: ${X:-}` is "", not null). */
function interpolateValues(node: unknown, env: Record<string, string>): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((n) => interpolateValues(n, env));
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateValues(v, env)]));
  return node;
}

function composeWith(env: Record<string, string>): any {
  return interpolateValues(parse(composeText, { merge: true }), env);
}

function validator() {
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, 'compose-spec.json'), 'utf8'));
  // The vendored schema names draft-07 by an https URL Ajv does not know; the meta-schema is draft-07 all the same.
  delete schema.$schema;
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
}

test('the interpolated compose file is valid against the Compose Specification schema', () => {
  const validate = validator();
  const compose = composeWith(REQUIRED);
  expect(validate(compose) ? [] : validate.errors).toEqual([]);
});

test('the schema check can fail: a misspelt service key is refused', () => {
  const validate = validator();
  const compose = composeWith(REQUIRED);
  compose.services.api.healthchek = compose.services.api.healthcheck;
  expect(validate(compose)).toBe(false);
});

test('no secret has a default: compose refuses to start without each required variable', () => {
  for (const name of Object.keys(REQUIRED)) {
    const env: Record<string, string> = { ...REQUIRED };
    delete env[name];
    expect(() => composeWith(env)).toThrow(new RegExp(`required variable ${name}`));
  }
});

test('Temporal is the plain server of the pinned version with the repository config, set up by one-shot jobs', () => {
  const { services } = composeWith(REQUIRED);
  expect(services.temporal.image).toBe(`temporalio/server:${TEMPORAL_SERVER_VERSION}`);
  for (const service of Object.values<{ image?: string }>(services)) expect(service.image ?? '').not.toMatch(/auto-setup/);
  expect(services['temporal-schema'].image).toBe(`temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`);
  expect(services.temporal.volumes).toEqual(
    expect.arrayContaining([
      './deploy/temporal/config:/etc/temporal/casework/config:ro',
      './deploy/temporal/dynamicconfig.yaml:/etc/temporal/casework/dynamicconfig.yaml:ro',
    ]),
  );
  for (const file of ['deploy/temporal/config/production.yaml', 'deploy/temporal/dynamicconfig.yaml', 'deploy/temporal/setup-schema.sh']) {
    expect(fs.existsSync(path.join(root, file))).toBe(true);
  }
  expect(services.temporal.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
  // Not published unless asked for (a profile).
  expect(services.temporal.ports).toBeUndefined();
  expect(composeText).toMatch(/^ {4}# ports:\n {4}# {3}- "127\.0\.0\.1:7233:7233"$/m);
  expect(services['temporal-ui'].profiles).toEqual(['ui']);
  // Retention: configurable, 30 days by default.
  expect(services['temporal-setup'].environment.TEMPORAL_RETENTION_DAYS).toBe('30');
  expect(composeWith({ ...REQUIRED, TEMPORAL_RETENTION_DAYS: '90' }).services['temporal-setup'].environment.TEMPORAL_RETENTION_DAYS).toBe('90');
});

test('the app services run compiled code after the migrate and setup jobs, with health checks', () => {
  const { services } = composeWith(REQUIRED);
  for (const name of ['worker', 'api', 'migrate', 'temporal-setup']) {
    expect(services[name].command[0]).toBe('node');
    expect(services[name].command[1]).toMatch(/^dist\/.*\.js$/);
  }
  for (const service of Object.values<{ command?: string[] }>(services)) expect((service.command ?? []).join(' ')).not.toMatch(/\btsx\b/);
  for (const name of ['worker', 'api']) {
    expect(services[name].depends_on).toEqual({
      migrate: { condition: 'service_completed_successfully' },
      'temporal-setup': { condition: 'service_completed_successfully' },
    });
    expect(services[name].environment.MIGRATE_ON_START).toBe('false');
  }
  expect(services.worker.healthcheck.test).toEqual(['CMD', 'node', 'dist/worker/healthCheck.js']);
  expect(services.worker.environment.WORKER_HEALTH_FILE).toBeTruthy();
  expect(services.api.healthcheck.test.join(' ')).toContain('/health');
});

test('the Dockerfile builds on the Active LTS image (Node 24) and runs compiled code only', () => {
  // Instructions only, not the comments that explain them.
  const dockerfile = fs
    .readFileSync(path.join(root, 'Dockerfile'), 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
  expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-/m);
  expect(dockerfile.match(/^FROM \$\{NODE_IMAGE\}/gm)).toHaveLength(2);
  // engines says what the code supports, the image at least that.
  const engines = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).engines.node as string;
  expect(engines).toMatch(/^>=\d+\.\d+$/);
  expect(Number(engines.slice(2).split('.')[0])).toBeLessThanOrEqual(24);
  expect(dockerfile).toMatch(/^CMD \["node", "dist\/api\/main\.js"\]$/m);
  expect(dockerfile).not.toMatch(/\btsx\b/);
});

/** host:port pairs a casework service listens on, read from its compose environment by the app's own config parser. */
function listeners(service: { command: string[]; environment: Record<string, string> }): Array<{ host: string; port: number }> {
  const env = loadEnv(service.environment);
  const entry = service.command.join(' ');
  if (entry.includes('dist/api/main.js')) return [{ host: env.HOST, port: env.PORT }];
  if (!entry.includes('dist/worker/main.js')) return [];
  const found: Array<{ host: string; port: number }> = [];
  if (env.WORKER_METRICS_PORT !== undefined) found.push({ host: env.WORKER_METRICS_HOST, port: env.WORKER_METRICS_PORT });
  if (env.TEMPORAL_METRICS_ADDRESS) {
    const [host, port] = env.TEMPORAL_METRICS_ADDRESS.split(':');
    found.push({ host: host!, port: Number(port) });
  }
  return found;
}

/** Every service:port the scrape configuration targets, by job. */
function scrapeTargets(prometheus: any): Array<{ job: string; service: string; port: number }> {
  const targets: Array<{ job: string; service: string; port: number }> = [];
  for (const job of prometheus.scrape_configs) {
    for (const sd of job.dns_sd_configs ?? []) for (const name of sd.names) targets.push({ job: job.job_name, service: name, port: sd.port });
    for (const sc of job.static_configs ?? []) {
      for (const t of sc.targets) targets.push({ job: job.job_name, service: t.split(':')[0], port: Number(t.split(':')[1]) });
    }
  }
  return targets;
}

test('every Prometheus target is a port a compose service listens on beyond loopback, and every replica is found', () => {
  const { services, secrets } = composeWith(REQUIRED);
  const prometheus = parse(fs.readFileSync(path.join(root, 'deploy/prometheus/prometheus.yml'), 'utf8'));
  const targets = scrapeTargets(prometheus);
  expect(targets.map((t) => `${t.service}:${t.port}`).sort()).toEqual(['api:3000', 'worker:9464', 'worker:9465']);
  for (const t of targets) {
    const service = services[t.service];
    expect({ job: t.job, service: t.service, defined: service !== undefined }).toEqual({ job: t.job, service: t.service, defined: true });
    const listening = listeners(service).filter((l) => l.host !== '127.0.0.1' && l.host !== 'localhost');
    expect({ job: t.job, ports: listening.map((l) => l.port) }).toEqual({ job: t.job, ports: expect.arrayContaining([t.port]) });
  }
  // DNS discovery by service name (one A record per replica), not a static single target.
  for (const job of prometheus.scrape_configs) {
    expect(job.static_configs).toBeUndefined();
    expect(job.dns_sd_configs.every((sd: { type: string }) => sd.type === 'A')).toBe(true);
  }
  expect(services.worker.deploy.replicas).toBeGreaterThan(1);
  // The scraper itself: on the compose network, with this file and the ops key its API job reads.
  expect(services.prometheus.profiles).toEqual(['metrics']);
  expect(services.prometheus.volumes).toContain('./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
  const apiJob = prometheus.scrape_configs.find((j: { job_name: string }) => j.job_name === 'casework-api');
  const secret = services.prometheus.secrets[0];
  expect(apiJob.authorization.credentials_file).toBe(`/run/secrets/${secret.target}`);
  expect(secrets[secret.source]).toEqual({ environment: 'PROMETHEUS_API_KEY' });
});

test('the scrape check can fail: a worker without the metrics listener, or bound to loopback, is not a target', () => {
  const { services } = composeWith(REQUIRED);
  const worker = services.worker;
  expect(listeners({ ...worker, environment: { ...worker.environment, WORKER_METRICS_HOST: '127.0.0.1' } }).map((l) => l.host)).toContain('127.0.0.1');
  const without = { ...worker.environment };
  delete without.WORKER_METRICS_PORT;
  delete without.TEMPORAL_METRICS_ADDRESS;
  expect(listeners({ ...worker, environment: without })).toEqual([]);
});

test('the OpenTelemetry settings pass through to the API and the worker, and unset they leave tracing off', () => {
  const otel = {
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://otel-collector:4318/v1/traces',
    OTEL_EXPORTER_OTLP_HEADERS: 'x-token=abc',
  };
  const on = composeWith({ ...REQUIRED, ...otel }).services;
  const off = composeWith(REQUIRED).services;
  for (const name of ['api', 'worker']) {
    expect(on[name].environment).toMatchObject(otel);
    for (const key of Object.keys(otel)) expect(off[name].environment[key]).toBe('');
    expect(startTracing('compose-test', off[name].environment).enabled).toBe(false);
  }
});

test('API replicas sit behind the proxy, the one published HTTP port, which finds each replica by DNS', () => {
  const { services } = composeWith(REQUIRED);
  expect(services.api.deploy.replicas).toBeGreaterThan(1);
  // Replicas cannot share a fixed host port: only the proxy publishes one.
  expect(services.api.ports).toBeUndefined();
  expect(services.proxy.ports).toEqual(['3000:3000']);
  expect(composeWith({ ...REQUIRED, API_PORT: '8080' }).services.proxy.ports).toEqual(['8080:3000']);
  expect(services.proxy.volumes).toContain('./deploy/caddy/Caddyfile:/etc/caddy/Caddyfile:ro');
  const caddyfile = fs.readFileSync(path.join(root, 'deploy/caddy/Caddyfile'), 'utf8');
  // The proxy's upstream is the api service on the port it listens on.
  const [, name, port] = /^\s*dynamic a (\S+) (\d+)/m.exec(caddyfile) ?? [];
  expect(name).toBe('api');
  expect(listeners(services.api).map((l) => l.port)).toContain(Number(port));
  // One trusted hop: rate limits and lockouts count the client, not the proxy.
  expect(loadEnv(services.api.environment).TRUST_PROXY).toBe(1);
});
