// Rate limits, lockout and load shedding through HTTP, on API instances of this test's
// own (small limits) over the real stack's Temporal and PostgreSQL. Each test calls from
// client addresses of its own (X-Forwarded-For, trusted from loopback as from a proxy)
// and with API keys of its own, so nothing else counting in the shared table interferes.
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { insertApiKey } from '../support/apiKeyRows';
import type { LimitSettings } from '../../api/rateLimits';
import { freePort } from '../support/globalSetup';
import { startApi, type InProcessApi } from '../support/inProcessApi';
import { heldRequest, rawRequest, type RawReply } from '../support/rawHttp';
import { KEYS, stackInfo } from '../support/stackInfo';

const OFF: LimitSettings = {
  perKey: { points: 0, windowS: 60 },
  perAddress: { points: 0, windowS: 60 },
  authFailures: { limit: 0, windowS: 60, lockoutS: 60 },
  maxInFlight: 0,
  maxEventLoopDelayMs: 0,
};

let pool: Pool;
const apis: InProcessApi[] = [];

beforeAll(() => {
  pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 1 });
});

afterAll(async () => {
  await Promise.all(apis.map((a) => a.close()));
  await pool.end();
});

async function apiWith(limits: Partial<LimitSettings>, databaseUrl = stackInfo().databaseUrl): Promise<string> {
  const info = stackInfo();
  const api = await startApi({
    temporalAddress: info.temporalAddress,
    databaseUrl,
    taskQueue: info.taskQueue,
    limits: { ...OFF, ...limits },
    edge: { trustProxy: 'loopback', corsOrigins: [] },
  });
  apis.push(api);
  return api.base;
}

/** A client address nobody else uses (198.18.0.0/15 is for benchmarks). */
function newAddress(): string {
  const [a, b] = randomBytes(2);
  return `198.19.${a}.${b}`;
}

/** An API key of the api_keys table that only this test uses. */
async function newKey(role = 'agent'): Promise<string> {
  const key = `cw_limits_${randomBytes(12).toString('hex')}`;
  await insertApiKey(pool, { key, role, label: `test:limits:${key.slice(-6)}` });
  return key;
}

function get(base: string, path: string, from: string, key?: string): Promise<RawReply> {
  return rawRequest(base, 'GET', path, { headers: { 'x-forwarded-for': from, ...(key ? { authorization: `Bearer ${key}` } : {}) } });
}

function expectRefused(r: RawReply, status: 429 | 503, code: string, maxRetryAfterS: number): void {
  expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status, code });
  expect(r.body.error.message).toEqual(expect.any(String));
  expect(r.headers['retry-after']).toMatch(/^\d+$/);
  expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(maxRetryAfterS);
}

test('a key over its limit gets 429 with Retry-After; another key from the same address does not', async () => {
  const base = await apiWith({ perKey: { points: 3, windowS: 60 } });
  const from = newAddress();
  const key = await newKey();
  for (let i = 0; i < 3; i++) expect((await get(base, '/cases?limit=1', from, key)).status).toBe(200);
  expectRefused(await get(base, '/cases?limit=1', from, key), 429, 'rate_limited', 60);
  expect((await get(base, '/cases?limit=1', from, await newKey())).status).toBe(200);
});

test('two API instances sharing PostgreSQL enforce one limit together', async () => {
  const limits = { perKey: { points: 4, windowS: 60 } };
  const [a, b] = [await apiWith(limits), await apiWith(limits)];
  const from = newAddress();
  const key = await newKey();
  const statuses = [];
  for (const base of [a, b, a, b]) statuses.push((await get(base, '/cases?limit=1', from, key)).status);
  expect(statuses).toEqual([200, 200, 200, 200]);
  // Each instance alone has seen 2 of its 4: only the shared count refuses.
  expectRefused(await get(a, '/cases?limit=1', from, key), 429, 'rate_limited', 60);
  expectRefused(await get(b, '/cases?limit=1', from, key), 429, 'rate_limited', 60);
});

test('an address over its limit gets 429 whatever key it sends; other addresses and liveness are not limited', async () => {
  const base = await apiWith({ perAddress: { points: 3, windowS: 60 } });
  const from = newAddress();
  const key = await newKey();
  for (let i = 0; i < 3; i++) expect((await get(base, '/cases?limit=1', from, key)).status).toBe(200);
  expectRefused(await get(base, '/cases?limit=1', from, await newKey()), 429, 'rate_limited', 60);
  expectRefused(await get(base, '/health', from), 429, 'rate_limited', 60);
  expect((await get(base, '/health/live', from)).status).toBe(200);
  expect((await get(base, '/cases?limit=1', newAddress(), key)).status).toBe(200);
});

test('wrong keys and forged links from one address lock it out, even with a valid key, until the lockout passes', async () => {
  const lockoutS = 3;
  const base = await apiWith({ authFailures: { limit: 3, windowS: 60, lockoutS } });
  const from = newAddress();
  const key = await newKey();
  expect((await get(base, '/cases?limit=1', from, 'wrong-key-1')).status).toBe(401);
  expect((await get(base, '/customer/cases/forged-link-token', from)).status).toBe(401);
  // A request without any key guesses nothing: it does not count.
  expect((await get(base, '/cases?limit=1', from)).status).toBe(401);
  expect((await get(base, '/cases?limit=1', from, 'wrong-key-2')).status).toBe(401);
  expectRefused(await get(base, '/cases?limit=1', from, key), 429, 'locked_out', lockoutS);
  expectRefused(await get(base, '/customer/cases/another-token', from), 429, 'locked_out', lockoutS);
  // The same valid key from another address works: the address is locked, not the key.
  expect((await get(base, '/cases?limit=1', newAddress(), key)).status).toBe(200);

  // The lockout passes by itself: poll (bounded) until the valid key is answered again.
  const deadline = Date.now() + (lockoutS + 10) * 1000;
  let r = await get(base, '/cases?limit=1', from, key);
  while (r.status === 429 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    r = await get(base, '/cases?limit=1', from, key);
  }
  expect(r.status).toBe(200);
});

test('over the in-flight limit a burst gets immediate 503 overloaded with Retry-After; liveness still answers', async () => {
  const base = await apiWith({ maxInFlight: 1 });
  const auth = { authorization: `Bearer ${KEYS.agent}`, 'idempotency-key': `held-${randomBytes(6).toString('hex')}` };
  // One request held in flight (its body half sent): the process is at its limit.
  const held = heldRequest(base, '/cases', auth);
  const deadline = Date.now() + 10_000;
  let probe = await get(base, '/cases?limit=1', newAddress(), KEYS.agent);
  while (probe.status !== 503 && Date.now() < deadline) probe = await get(base, '/cases?limit=1', newAddress(), KEYS.agent);
  expectRefused(probe, 503, 'overloaded', 60);

  const burst = await Promise.all(Array.from({ length: 20 }, () => get(base, '/cases?limit=1', newAddress(), KEYS.agent)));
  for (const r of burst) expectRefused(r, 503, 'overloaded', 60);
  expect((await get(base, '/health/live', newAddress())).status).toBe(200);

  // The held request completes (a 400: its body is no case) and frees its place.
  expect((await held.finish()).status).toBe(400);
  expect((await get(base, '/cases?limit=1', newAddress(), KEYS.agent)).status).toBe(200);
});

test('a process whose event loop runs late sheds new requests with 503 overloaded until it catches up', async () => {
  const base = await apiWith({ maxEventLoopDelayMs: 100 });
  const from = newAddress();
  /** Polls (bounded) while the answer is a 503: the process catching up. */
  const servedOnceCaughtUp = async () => {
    const deadline = Date.now() + 10_000;
    let r = await get(base, '/cases?limit=1', from, KEYS.agent);
    while (r.status === 503 && Date.now() < deadline) r = await get(base, '/cases?limit=1', from, KEYS.agent);
    return r;
  };
  // A busy machine may already run this process late now and then.
  expect((await servedOnceCaughtUp()).status).toBe(200);
  // The API runs in this process: keep its CPU busy (300 ms of work every 20 ms), as a
  // burst larger than the process can take would.
  const hog = setInterval(() => {
    const until = Date.now() + 300;
    while (Date.now() < until);
  }, 20);
  try {
    const deadline = Date.now() + 10_000;
    let probe = await get(base, '/cases?limit=1', from, KEYS.agent);
    while (probe.status !== 503 && Date.now() < deadline) probe = await get(base, '/cases?limit=1', from, KEYS.agent);
    expectRefused(probe, 503, 'overloaded', 60);
    const burst = await Promise.all(Array.from({ length: 5 }, () => get(base, '/cases?limit=1', from, KEYS.agent)));
    for (const r of burst) expectRefused(r, 503, 'overloaded', 60);
    expect((await get(base, '/health/live', from)).status).toBe(200);
  } finally {
    clearInterval(hog);
  }
  expect((await servedOnceCaughtUp()).status).toBe(200);
});

test('with PostgreSQL down the limits count in memory: 503 for the database, 429 past the limit, never a 500', async () => {
  const deadDb = `postgresql://casework:casework@127.0.0.1:${await freePort()}/casework`;
  const base = await apiWith({ perKey: { points: 2, windowS: 60 }, authFailures: { limit: 3, windowS: 60, lockoutS: 60 } }, deadDb);
  const from = newAddress();
  // Environment keys authenticate without the database; the route itself needs it.
  for (let i = 0; i < 2; i++) expect((await get(base, '/cases?limit=1', from, KEYS.agent)).body.error.code).toBe('service_unavailable');
  expectRefused(await get(base, '/cases?limit=1', from, KEYS.agent), 429, 'rate_limited', 60);
  // Health stays public: up/down only.
  const health = await get(base, '/health', from);
  expect({ status: health.status, database: health.body.database }).toEqual({ status: 503, database: { ok: false } });
});
