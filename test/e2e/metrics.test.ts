// GET /metrics on the test stack (API and worker share the launcher's process, so one
// registry holds both): only ops and admin keys read it; a case driven through dispatch
// moves the HTTP counters and latency histogram (by route template, never a case number),
// the offer and notification counters, and shows in the open-cases gauge.
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { intakeInput } from '../support/fixtures';
import { call, eventually, openCase, waitForStage } from '../support/http';
import { insertApiKey } from '../support/apiKeyRows';
import { uniqueRegion } from '../support/roster';
import { parseExposition, sampleSum, type Sample } from '../support/promText';
import { stackInfo } from '../support/stackInfo';

let pool: Pool;
const region = uniqueRegion('MET');
const keys: Record<string, string> = {};
const customer = { region, lat: 31.2304, lng: 121.4737 };

beforeAll(async () => {
  pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 2 });
  for (const [n, home] of [
    ['NEAR', { lat: 31.231, lng: 121.475 }],
    ['FAR', { lat: 31.3, lng: 121.6 }],
  ] as const) {
    const id = `${region}-${n}`;
    const r = await call('POST', '/engineers', {
      as: 'admin',
      body: {
        id,
        name: `测试${n}`,
        badgeNo: `BADGE-M${n}`,
        home,
        rating: 4.5,
        skills: [{ category: 'air_conditioner', level: 2 }],
        regions: [region],
        workingHours: { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '23:59' },
      },
    });
    expect(r.status).toBe(201);
    keys[n] = `test-${randomBytes(12).toString('hex')}`;
    await insertApiKey(pool, { key: keys[n], role: 'engineer', subject: id, label: `test:${id}` });
  }
});
afterAll(() => pool.end());

async function scrape(): Promise<{ text: string; samples: Sample[] }> {
  const r = await call<string>('GET', '/metrics', { as: 'ops' });
  expect(r.status).toBe(200);
  return { text: r.body, samples: parseExposition(r.body) };
}

test('only ops and admin keys read /metrics', async () => {
  expect((await call('GET', '/metrics', { as: null })).status).toBe(401);
  expect((await call('GET', '/metrics', { as: 'agent' })).status).toBe(403);
  expect((await call('GET', '/metrics', { as: 'admin' })).status).toBe(200);
});

test('a case through dispatch moves the HTTP, offer and notification metrics and the open-cases gauge', async () => {
  const before = (await scrape()).samples;
  const opened = await openCase(intakeInput({ priority: 'P2', customer: { ...intakeInput().customer, ...customer } }));
  expect(opened.status).toBe(201);
  const caseNo: string = opened.body.case.caseNo;
  await waitForStage(caseNo, 'offered');
  expect((await call('POST', `/cases/${caseNo}/offer/decline`, { key: keys.NEAR, body: { reason: '在另一单现场' } })).status).toBe(200);
  const second = await waitForStage(caseNo, 'offered');
  expect(second.case.offer.engineerId).toBe(`${region}-FAR`);
  expect((await call('POST', `/cases/${caseNo}/offer/accept`, { key: keys.FAR, body: {} })).status).toBe(200);

  // The customer's "case opened" SMS goes out in the background: poll for it.
  const after = await eventually('the opened SMS counted', async () => {
    const s = (await scrape()).samples;
    return sampleSum(s, 'casework_notifications_sent_total', { channel: 'sms' }) > sampleSum(before, 'casework_notifications_sent_total', { channel: 'sms' })
      ? s
      : undefined;
  });
  const delta = (name: string, labels: Record<string, string> = {}) => sampleSum(after, name, labels) - sampleSum(before, name, labels);

  expect(delta('casework_http_requests_total', { method: 'POST', route: '/cases', status: '201' })).toBeGreaterThanOrEqual(1);
  expect(delta('casework_http_requests_total', { method: 'POST', route: '/cases/:caseNo/offer/decline', status: '200' })).toBeGreaterThanOrEqual(1);
  expect(
    delta('casework_http_request_duration_seconds_count', { method: 'POST', route: '/cases/:caseNo/offer/accept', status_class: '2xx' }),
  ).toBeGreaterThanOrEqual(1);
  // Latency buckets are cumulative: the +Inf bucket moved with the count.
  expect(delta('casework_http_request_duration_seconds_bucket', { method: 'POST', route: '/cases', status_class: '2xx', le: '+Inf' })).toBeGreaterThanOrEqual(
    1,
  );
  expect(delta('casework_http_request_duration_seconds_sum', { method: 'POST', route: '/cases' })).toBeGreaterThan(0);
  expect(delta('casework_dispatch_offers_total', { outcome: 'sent' })).toBeGreaterThanOrEqual(2);
  expect(delta('casework_dispatch_offers_total', { outcome: 'declined' })).toBeGreaterThanOrEqual(1);
  expect(delta('casework_dispatch_offers_total', { outcome: 'accepted' })).toBeGreaterThanOrEqual(1);
  expect(sampleSum(after, 'casework_open_cases', { stage: 'dispatched', priority: 'P2' })).toBeGreaterThanOrEqual(1);

  // Route templates only: no case number, key or raw URL in any label.
  const { text } = await scrape();
  expect(text).not.toContain(caseNo);
  expect(text).not.toContain(keys.FAR!);
  expect(text).toMatch(/^# TYPE casework_http_request_duration_seconds histogram$/m);
}, 90_000);
