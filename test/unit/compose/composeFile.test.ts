// docker-compose.yml without a Docker engine: interpolated as `docker compose config`
// does, validated against the Compose Specification's JSON schema (vendored here from
// compose-spec/compose-spec, schema/compose-spec.json, Apache-2.0: SOURCE.md), and held
// to what `npm run test:production` proves on the real server.
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';

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

function composeWith(env: Record<string, string>): any {
  return parse(interpolate(composeText, env), { merge: true });
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

test('the Dockerfile builds on a Node LTS image and runs compiled code only', () => {
  // Instructions only, not the comments that explain them.
  const dockerfile = fs
    .readFileSync(path.join(root, 'Dockerfile'), 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
  expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:(22|24)-/m);
  expect(dockerfile).toMatch(/^CMD \["node", "dist\/api\/main\.js"\]$/m);
  expect(dockerfile).not.toMatch(/\btsx\b/);
});
