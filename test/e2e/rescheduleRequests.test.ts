// A customer's reschedule request over HTTP on the real stack: asked at the link (the
// page's form and JSON), refused while one is open, seen by the dispatcher and the
// assigned engineer; accepting a window moves the visit through the existing reschedule
// Update (the customer's count +1, once, even on a retry); declining changes nothing.
import { futureSlot, intakeInput } from '../support/fixtures';
import { call, idempotencyKey, openCase, waitForStage } from '../support/http';
import { stackInfo } from '../support/stackInfo';

jest.setTimeout(120_000);

const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

async function page(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const res = await fetch(`${stackInfo().apiUrl}${path}`, { redirect: 'manual', ...init, headers: { ...html, ...init.headers } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A case with a booked visit (E001) for an English-speaking customer, and its link. */
async function scheduledCase(): Promise<{ caseNo: string; token: string }> {
  const base = intakeInput();
  const opened = await openCase({ ...base, customer: { ...base.customer, language: 'en' } });
  const caseNo: string = opened.body.case.caseNo;
  await waitForStage(caseNo, 'manual_dispatch');
  const steps: Array<[string, string, unknown]> = [
    ['assign', 'dispatcher', { engineerId: 'E001' }],
    ['contact', 'engineerE001', { confirmedAddress: '世纪大道100号', diagnosis: '电容', partsToBring: [] }],
    ['appointment', 'engineerE001', futureSlot()],
  ];
  for (const [p, as, body] of steps) expect([p, (await call('POST', `/cases/${caseNo}/${p}`, { as: as as never, body })).status]).toEqual([p, 200]);
  await waitForStage(caseNo, 'scheduled');
  const link = await call('POST', `/cases/${caseNo}/customer-link`, { as: 'agent' });
  return { caseNo, token: link.body.token };
}

// Windows a few weeks ahead, on a random 3-hour grid so runs do not collide on E001's bookings.
const base = Date.UTC(2026, 0, 1) + Math.ceil((Date.now() + 10 * 86_400_000 - Date.UTC(2026, 0, 1)) / 86_400_000) * 86_400_000;
const slot = (n: number) => {
  const start = base + (Math.floor(Math.random() * 40) * 8 + n) * 3 * 3600_000;
  return { start: new Date(start).toISOString(), end: new Date(start + 2 * 3600_000).toISOString() };
};
/** A UTC instant as the datetime-local value a browser in China time sends. */
const chinaLocal = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16);

const caseOf = async (caseNo: string) => (await call('GET', `/cases/${caseNo}`, { as: 'supervisor' })).body.case;

async function openRequests(as: 'dispatcher' | 'engineerE001'): Promise<any[]> {
  const all: any[] = [];
  let cursor: string | null = null;
  do {
    const r: { status: number; body: any } = await call('GET', `/reschedule-requests?status=open&limit=100${cursor ? `&cursor=${cursor}` : ''}`, { as });
    expect(r.status).toBe(200);
    all.push(...r.body.items);
    cursor = r.body.nextCursor;
  } while (cursor);
  return all;
}

test('the customer asks on the page; the dispatcher sees it and accepts a window: the visit moves, the count goes up by one', async () => {
  const { caseNo, token } = await scheduledCase();
  const before = await caseOf(caseNo);
  const got = await page(`/customer/cases/${token}?lang=en`);
  expect(got.text).toContain('/forms/reschedule');
  const cookie = `cw_csrf=${/cw_csrf=([^;]+)/.exec(got.headers.get('set-cookie') ?? '')![1]!}`;
  const csrf = /name="csrf" value="([^"]+)"/.exec(got.text)![1]!;
  const [w1, w2] = [slot(0), slot(1)];
  const fields = { start1: chinaLocal(w1.start), end1: chinaLocal(w1.end), start2: chinaLocal(w2.start), end2: chinaLocal(w2.end), start3: '', end3: '' };
  const sent = await page(`/customer/cases/${token}/forms/reschedule`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ ...fields, reason: 'I am at work that day', csrf, key: `rs-${Date.now()}-abcdefgh`, lang: 'en' }).toString(),
  });
  expect([sent.status, sent.headers.get('location')]).toEqual([303, `/customer/cases/${token}?lang=en&sent=1#reschedule`]);
  const shown = await page(sent.headers.get('location')!);
  expect(shown.text).toContain('Requested, waiting for the dispatcher');
  expect(shown.text).not.toContain('/forms/reschedule');

  // A second one while the first waits is refused.
  const second = await call('POST', `/customer/cases/${token}/reschedule-request`, { as: null, body: { windows: [slot(2)], reason: 'again' } });
  expect([second.status, second.body.error?.code ?? second.body.code]).toEqual([409, 'request_open']);

  const mine = (await openRequests('dispatcher')).find((r) => r.caseNo === caseNo);
  expect(mine).toMatchObject({ status: 'open', engineerId: 'E001', reason: 'I am at work that day', windows: [w1, w2] });
  expect((await openRequests('engineerE001')).map((r) => r.id)).toContain(mine.id);

  const key = idempotencyKey();
  const accept = () => call('POST', `/reschedule-requests/${mine.id}/accept`, { as: 'dispatcher', body: { window: 1 }, headers: { 'idempotency-key': key } });
  const accepted = await accept();
  expect([accepted.status, accepted.body.status, accepted.body.chosen]).toEqual([200, 'accepted', 1]);
  expect((await accept()).status).toBe(200);
  const after = await caseOf(caseNo);
  expect(after.appointment).toEqual(w2);
  expect(after.reschedules).toEqual({ ...before.reschedules, customer: before.reschedules.customer + 1 });
  expect((await openRequests('dispatcher')).map((r) => r.id)).not.toContain(mine.id);
  expect((await page(`/customer/cases/${token}?lang=en`)).text).toContain('The dispatcher accepted');
  await call('POST', `/cases/${caseNo}/cancel`, { body: { reason: 'test done' } });
});

test('JSON at the link: bad windows are 400 with field paths; a declined request changes nothing', async () => {
  const { caseNo, token } = await scheduledCase();
  const ask = (body: unknown) => call('POST', `/customer/cases/${token}/reschedule-request`, { as: null, body });
  const w = slot(3);
  const past = { start: new Date(Date.now() - 3600_000).toISOString(), end: new Date(Date.now() + 3600_000).toISOString() };
  const paths = (r: { body: any }) => JSON.stringify(r.body);

  const backwards = await ask({ windows: [w, { start: w.end, end: w.start }], reason: 'x' });
  expect(backwards.status).toBe(400);
  expect(paths(backwards)).toContain('body.windows.1.end');
  const tooMany = await ask({ windows: [slot(4), slot(5), slot(6), slot(7)], reason: 'x' });
  expect([tooMany.status, paths(tooMany)]).toEqual([400, expect.stringContaining('body.windows')]);
  const inPast = await ask({ windows: [w, past], reason: 'x' });
  expect([inPast.status, paths(inPast)]).toEqual([400, expect.stringContaining('body.windows.1.start')]);
  const noReason = await ask({ windows: [w], reason: '  ' });
  expect([noReason.status, paths(noReason)]).toEqual([400, expect.stringContaining('body.reason')]);

  const before = await caseOf(caseNo);
  const created = await ask({ windows: [w], reason: 'travelling' });
  expect([created.status, created.body.status]).toEqual([201, 'open']);
  const declined = await call('POST', `/reschedule-requests/${created.body.id}/decline`, { as: 'dispatcher', body: { reason: 'no engineer free then' } });
  expect([declined.status, declined.body.status, declined.body.decisionReason]).toEqual([200, 'declined', 'no engineer free then']);
  const again = await call('POST', `/reschedule-requests/${created.body.id}/accept`, {
    as: 'dispatcher',
    body: { window: 0 },
    headers: { 'idempotency-key': idempotencyKey() },
  });
  expect(again.status).toBe(409);
  const after = await caseOf(caseNo);
  expect([after.appointment, after.reschedules, after.stage]).toEqual([before.appointment, before.reschedules, 'scheduled']);
  expect((await page(`/customer/cases/${token}?lang=en`)).text).toContain('could not accept');
  // Engineers list but do not decide.
  expect((await call('POST', `/reschedule-requests/${created.body.id}/decline`, { as: 'engineerE001', body: { reason: 'no' } })).status).toBe(403);
  await call('POST', `/cases/${caseNo}/cancel`, { body: { reason: 'test done' } });
});
