// The HTTP edge through the real stack's API (as `npm start` runs it) and, where a
// setting must differ (CORS origins, a trusted proxy), an API instance of this test's
// own: security headers, HSTS only over TLS, CORS, authentication before the body is
// read, and /health public versus ops.
import net from 'node:net';
import { launchChromium } from '../support/headlessChromium';
import { freePort } from '../support/globalSetup';
import { startApi, type InProcessApi } from '../support/inProcessApi';
import { rawRequest } from '../support/rawHttp';
import { KEYS, stackInfo } from '../support/stackInfo';

const CONSOLE = 'https://console.casework.example';
let edgeApi: InProcessApi;
let deadTemporalApi: InProcessApi;

beforeAll(async () => {
  const info = stackInfo();
  const common = { databaseUrl: info.databaseUrl, taskQueue: info.taskQueue };
  edgeApi = await startApi({ ...common, temporalAddress: info.temporalAddress, edge: { trustProxy: 'loopback', corsOrigins: [CONSOLE] } });
  deadTemporalApi = await startApi({ ...common, temporalAddress: `127.0.0.1:${await freePort()}` });
});

afterAll(async () => {
  await Promise.all([edgeApi?.close(), deadTemporalApi?.close()]);
});

const stack = () => stackInfo().apiUrl;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('security headers', () => {
  test.each([
    ['a JSON answer', '/health/live', {}],
    ['an error answer', '/cases', {}],
    ['a 404', '/no/such/route', bearer(KEYS.agent)],
  ])('%s carries nosniff, a CSP that loads and frames nothing, no referrer and no framing', async (_what, path, headers) => {
    const r = await rawRequest(stack(), 'GET', path, { headers });
    expect(r.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    });
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(r.headers['x-powered-by']).toBeUndefined();
  });

  test('HSTS only when the request came over TLS, as a trusted proxy says', async () => {
    expect((await rawRequest(stack(), 'GET', '/health/live')).headers['strict-transport-security']).toBeUndefined();
    // The stack trusts no proxy: a client claiming TLS gets no HSTS.
    const claimed = await rawRequest(stack(), 'GET', '/health/live', { headers: { 'x-forwarded-proto': 'https' } });
    expect(claimed.headers['strict-transport-security']).toBeUndefined();
    const proxied = await rawRequest(edgeApi.base, 'GET', '/health/live', { headers: { 'x-forwarded-proto': 'https' } });
    expect(proxied.headers['strict-transport-security']).toMatch(/^max-age=\d+; includeSubDomains$/);
  });

  test('/docs has a policy Swagger UI works under (own scripts and styles), still never framed', async () => {
    const r = await rawRequest(stack(), 'GET', '/docs/');
    expect(r.status).toBe(200);
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
  });
});

test('Swagger UI at /docs renders in Chromium under its policy, with no CSP violation', async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    page.on('pageerror', (e) => violations.push(e.message));
    await page.goto(`${stack()}/docs/`, { waitUntil: 'load' });
    // Rendered by Swagger UI's script from the embedded document: an operation's path.
    await page.locator('.opblock-summary-path', { hasText: '/cases/{caseNo}/assign' }).first().waitFor({ timeout: 30_000 });
    expect(violations).toEqual([]);
  } finally {
    await browser.close();
  }
});

describe('CORS', () => {
  const preflight = (base: string, origin: string) =>
    rawRequest(base, 'OPTIONS', '/cases', {
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,idempotency-key' },
    });

  test('a preflight from an allowed origin is answered 204 with what it may send', async () => {
    const r = await preflight(edgeApi.base, CONSOLE);
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe(CONSOLE);
    expect(String(r.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
    expect(String(r.headers['access-control-allow-methods'])).toContain('POST');
    expect(r.headers['access-control-allow-credentials']).toBeUndefined();
  });

  test('a preflight from another origin, or with CORS off, is refused with 403', async () => {
    for (const [base, origin] of [
      [edgeApi.base, 'https://evil.example'],
      [stack(), CONSOLE],
    ] as const) {
      const r = await preflight(base, origin);
      expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 403, code: 'cors_refused' });
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  test('an answer names the allowed origin only', async () => {
    const allowed = await rawRequest(edgeApi.base, 'GET', '/cases?limit=1', { headers: { origin: CONSOLE, ...bearer(KEYS.agent) } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(CONSOLE);
    expect(allowed.headers['access-control-expose-headers']).toBe('Retry-After');
    const other = await rawRequest(edgeApi.base, 'GET', '/cases?limit=1', { headers: { origin: 'https://evil.example', ...bearer(KEYS.agent) } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('authentication before the body', () => {
  const big = Buffer.alloc(2 * 1024 * 1024, 'x');
  test.each([
    ['a 2 MB body', { 'content-type': 'application/json' }, big],
    ['malformed JSON', { 'content-type': 'application/json' }, Buffer.from('{"not json')],
    ['a body that is not JSON', { 'content-type': 'text/plain' }, Buffer.from('hello')],
  ])('without a valid key, %s is 401 (not 413/400/415)', async (_what, headers, body) => {
    for (const auth of [{}, bearer('not-a-key')]) {
      const r = await rawRequest(stack(), 'POST', '/cases', { headers: { ...headers, ...auth, 'idempotency-key': 'edge-body-check' }, body });
      expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 401, code: 'unauthenticated' });
    }
  });

  test.each([
    ['a 2 MB body', { 'content-type': 'application/json' }, big],
    ['malformed JSON', { 'content-type': 'application/json' }, Buffer.from('{"not json')],
    ['a body that is not JSON', { 'content-type': 'text/plain' }, Buffer.from('hello')],
  ])("a customer's move with a forged link and %s is 401 (not 413/400/415)", async (_what, headers, body) => {
    for (const path of ['/customer/cases/Q1MtMjAyNjEyMDEtMDAwMDAx.forged-signature/confirm', '/customer/complaints/bm90LWEtbGluaw.forged/decision']) {
      const r = await rawRequest(stack(), 'POST', path, { headers: { ...headers, 'idempotency-key': 'edge-link-check' }, body });
      expect({ path, status: r.status, code: r.body?.error?.code }).toEqual({ path, status: 401, code: 'invalid_link' });
    }
  });

  test('with a valid key the body is read and judged as before', async () => {
    const headers = { ...bearer(KEYS.agent), 'content-type': 'application/json', 'idempotency-key': 'edge-body-check' };
    expect((await rawRequest(stack(), 'POST', '/cases', { headers, body: big })).status).toBe(413);
    expect((await rawRequest(stack(), 'POST', '/cases', { headers, body: '{"not json' })).body.error.code).toBe('malformed_json');
    expect((await rawRequest(stack(), 'POST', '/cases', { headers: { ...headers, 'content-type': 'text/plain' }, body: 'x' })).status).toBe(415);
  });
});

describe('/health', () => {
  test('without a key (or with a key of another role): up/down per component only', async () => {
    for (const headers of [{}, bearer(KEYS.agent)]) {
      const r = await rawRequest(stack(), 'GET', '/health', { headers });
      expect({ status: r.status, body: r.body }).toEqual({
        status: 200,
        body: { status: 'ok', temporal: { ok: true }, database: { ok: true }, workers: { ok: true } },
      });
    }
  });

  test('an ops or admin key also sees addresses, pollers and the task queue; never a password', async () => {
    const info = stackInfo();
    for (const key of [KEYS.ops, KEYS.admin]) {
      const r = await rawRequest(stack(), 'GET', '/health/ready', { headers: bearer(key) });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        temporal: { ok: true, address: info.temporalAddress },
        database: { ok: true, address: expect.stringMatching(/^127\.0\.0\.1:\d+\/\w+$/) },
        workers: { ok: true, pollers: expect.any(Number), taskQueue: info.taskQueue },
      });
      // host:port/database: no user, no password.
      expect(r.body.database.address).toBe(`${new URL(info.databaseUrl).host}${new URL(info.databaseUrl).pathname}`);
    }
  });

  test('a wrong key is 401, not the public answer', async () => {
    const r = await rawRequest(stack(), 'GET', '/health', { headers: bearer('not-a-key') });
    expect({ status: r.status, code: r.body?.error?.code }).toEqual({ status: 401, code: 'unauthenticated' });
  });

  test('a component down: the public answer says which, only ops see why', async () => {
    const pub = await rawRequest(deadTemporalApi.base, 'GET', '/health');
    expect({ status: pub.status, body: pub.body }).toEqual({
      status: 503,
      body: { status: 'degraded', temporal: { ok: false }, database: { ok: true }, workers: { ok: false } },
    });
    const ops = await rawRequest(deadTemporalApi.base, 'GET', '/health', { headers: bearer(KEYS.ops) });
    expect(ops.status).toBe(503);
    expect(ops.body.temporal).toMatchObject({ ok: false, error: expect.any(String), address: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
  });
});

describe("what Node's HTTP parser refuses", () => {
  test('a request line over 16 KiB gets 431 with a JSON error, and the server keeps answering', async () => {
    const r = await rawRequest(stack(), 'GET', `/kpi?kpis=${'x'.repeat(20_000)}`, { headers: bearer(KEYS.admin) });
    expect(r.status).toBe(431);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.body).toEqual({ error: { code: 'headers_too_large', message: expect.stringContaining('16 KiB') } });
    expect((await rawRequest(stack(), 'GET', '/health/live')).status).toBe(200);
  });

  test('bytes that are not HTTP get 400 with a JSON error', async () => {
    const url = new URL(stack());
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname, () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(reply.split('\r\n\r\n')[1]!)).toEqual({ error: { code: 'malformed_request', message: expect.any(String) } });
  });
});
