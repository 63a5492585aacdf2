// When Temporal or PostgreSQL is unreachable the API answers 503 and leaves no
// half-made case; a retry with the same Idempotency-Key after recovery makes exactly one.
import { Pool } from 'pg';
import { intakeInput } from '../support/fixtures';
import { freePort } from '../support/globalSetup';
import { call, idempotencyKey } from '../support/http';
import { startApi, type InProcessApi } from '../support/inProcessApi';
import { stackInfo } from '../support/stackInfo';

const apis: InProcessApi[] = [];

/** An API wired to the given Temporal address and database URL. */
async function apiWith(temporalAddress: string, databaseUrl: string): Promise<string> {
  const api = await startApi({ temporalAddress, databaseUrl, taskQueue: stackInfo().taskQueue });
  apis.push(api);
  return api.base;
}

let pool: Pool;
beforeAll(() => {
  pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 2 });
});
afterAll(async () => {
  for (const api of apis) await api.close();
  await pool.end();
});

test('Temporal down: 503, no case row, no workflow; after recovery the same key makes one case', async () => {
  const dead = `127.0.0.1:${await freePort()}`;
  const base = await apiWith(dead, stackInfo().databaseUrl);
  const input = intakeInput();
  const key = idempotencyKey();

  const down = await call('POST', '/cases', { base, body: input, headers: { 'idempotency-key': key } });
  expect(down.status).toBe(503);
  expect(down.body.error.code).toBe('service_unavailable');
  const health = await call('GET', '/health', { base, as: null });
  expect(health.status).toBe(503);
  expect(health.body).toMatchObject({ status: 'degraded', temporal: { ok: false }, database: { ok: true } });
  const rows = await pool.query('SELECT count(*)::int AS n FROM cases WHERE product_serial = $1', [input.product.serial]);
  expect(rows.rows[0].n).toBe(0);

  // Temporal is back (the real stack): the client retries with the same key.
  const recovered = await call('POST', '/cases', { body: input, headers: { 'idempotency-key': key } });
  expect(recovered.status).toBe(201);
  const replay = await call('POST', '/cases', { body: input, headers: { 'idempotency-key': key } });
  expect(replay.status).toBe(200);
  expect(replay.body.case.caseNo).toBe(recovered.body.case.caseNo);
  const after = await pool.query('SELECT count(*)::int AS n FROM cases WHERE product_serial = $1', [input.product.serial]);
  expect(after.rows[0].n).toBe(1);
});

test('PostgreSQL down: 503 with a clear message, nothing started in Temporal', async () => {
  const deadDb = `postgresql://casework:casework@127.0.0.1:${await freePort()}/casework`;
  const base = await apiWith(stackInfo().temporalAddress, deadDb);
  const input = intakeInput();
  const r = await call('POST', '/cases', { base, body: input, headers: { 'idempotency-key': idempotencyKey() } });
  expect(r.status).toBe(503);
  expect(r.body.error.message).toMatch(/unreachable/);
  // Database-backed keys cannot be checked either, but env keys still authenticate.
  const list = await call('GET', '/cases', { base });
  expect(list.status).toBe(503);
  const health = await call('GET', '/health', { base, as: null });
  expect(health.body).toMatchObject({ status: 'degraded', temporal: { ok: true }, database: { ok: false } });
});
