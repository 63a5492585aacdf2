// A customer's reschedule request over HTTP on the real stack: asked at the link (the
// page's form and JSON), refused while one is open, seen by the dispatcher and the
// assigned engineer; accepting a window moves the visit through the existing reschedule
// Update (the customer's count +1, once, even on a retry) and texts the customer the new
// window; declining changes nothing but texts the customer the reason. A stored request is
// told, once, to the case's engineer and the dispatcher on duty, as the local SMS and SMTP
// receivers got them.
import { localTime, windowsText } from '../../domain/notifications';
import { futureSlot, intakeInput } from '../support/fixtures';
import { gatewayOutbox } from '../support/gatewayOutbox';
import { call, eventually, idempotencyKey, openCase, waitForStage } from '../support/http';
import { stackInfo } from '../support/stackInfo';
import { ALWAYS } from '../support/organisation';

jest.setTimeout(120_000);

const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

async function page(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const res = await fetch(`${stackInfo().apiUrl}${path}`, { redirect: 'manual', ...init, headers: { ...html, ...init.headers } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A customer phone of this run only, so its SMS are told apart from other suites'. */
const customerPhone = () => `+86 139 ${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

/** A case with a booked visit (E001 unless named) for an English-speaking customer, and its link. */
async function scheduledCase(opts: { engineerId?: string; region?: string; phone?: string } = {}): Promise<{ caseNo: string; token: string }> {
  const base = intakeInput();
  const customer = { ...base.customer, language: 'en' as const, ...(opts.region ? { region: opts.region } : {}), ...(opts.phone ? { phone: opts.phone } : {}) };
  const opened = await openCase({ ...base, customer });
  const caseNo: string = opened.body.case.caseNo;
  await waitForStage(caseNo, 'manual_dispatch');
  const [engineerId, engineerKey] = opts.engineerId ? [opts.engineerId, 'supervisor'] : ['E001', 'engineerE001'];
  const steps: Array<[string, string, unknown]> = [
    ['assign', 'dispatcher', { engineerId }],
    ['contact', engineerKey, { confirmedAddress: '世纪大道100号', diagnosis: '电容', partsToBring: [] }],
    ['appointment', engineerKey, futureSlot()],
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

/** The SMS the local receiver delivered for a case (duplicates, answered but not delivered, left out). */
async function smsOf(caseNo: string, event: string) {
  return (await gatewayOutbox()).sms.filter((m) => m.event === event && m.text.includes(caseNo) && !m.duplicate);
}

test('the customer asks on the page; the dispatcher sees it and accepts a window: the visit moves, the count goes up by one, the customer is texted the new window', async () => {
  const phone = customerPhone();
  const { caseNo, token } = await scheduledCase({ phone });
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
  // The appointment Update tells the customer (engineer.assigned: who comes, and the new ETA), once.
  const told = await eventually('the customer SMS with the new window', async () => {
    const found = (await smsOf(caseNo, 'engineer.assigned')).filter((m) => m.text.includes(localTime(w2.start, 480)));
    return found.length ? found : undefined;
  });
  expect(told.map((m) => [m.to, m.locale])).toEqual([[phone, 'en']]);
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

describe("a stored request reaches the case's engineer and the dispatcher on duty", () => {
  const region = `QA-RS-${Date.now().toString(36).toUpperCase()}`;
  const dispatcher = {
    id: `${region}-DSP`,
    name: '周敏',
    roles: ['dispatcher'],
    regions: [region],
    email: 'zhou.min@staff.example.com',
    preferredChannel: 'email',
    language: 'zh-CN',
  };
  const person = {
    id: `${region}-EP`,
    name: 'Sam Lee',
    roles: ['engineer'],
    regions: [region],
    phone: '+86 137 5550 2468',
    preferredChannel: 'sms',
    language: 'en',
  };
  const engineer = {
    id: `${region}-E`,
    name: 'Sam Lee',
    badgeNo: 'QA-RS-1',
    skills: [],
    regions: [region],
    phone: person.phone,
    personId: person.id,
    workingHours: ALWAYS,
  };

  beforeAll(async () => {
    for (const p of [dispatcher, person]) expect((await call('POST', '/staff', { as: 'admin', body: p })).status).toBe(201);
    const shift = await call('POST', '/duty/shifts', { as: 'admin', body: { personId: dispatcher.id, role: 'dispatcher', region, ...ALWAYS } });
    expect(shift.status).toBe(201);
    expect((await call('POST', '/engineers', { as: 'admin', body: engineer })).status).toBe(201);
  });

  test('each is told once, in their language and channel, with the windows and the reason; the timeline names them; a decline texts the customer the reason', async () => {
    const phone = customerPhone();
    const { caseNo, token } = await scheduledCase({ engineerId: engineer.id, region, phone });
    const windows = [slot(8), slot(9)];
    const ask = () => call('POST', `/customer/cases/${token}/reschedule-request`, { as: null, body: { windows, reason: 'I am at work that day' } });
    const first = await ask();
    expect([first.status, first.body.status]).toEqual([201, 'open']);
    // The same request again (a retry) answers with the stored one and tells nobody twice.
    const again = await ask();
    expect([again.status, again.body.id]).toEqual([201, first.body.id]);

    const shown = windowsText(windows, 480);
    const got = await eventually('the engineer SMS and the dispatcher e-mail', async () => {
      const sms = await smsOf(caseNo, 'engineer.reschedule_requested');
      const mails = (await gatewayOutbox()).emails.filter((m) => m.subject.includes(caseNo) && !m.duplicate);
      return sms.length && mails.length ? { sms, mails } : undefined;
    });
    expect(got.sms.map((m) => [m.to, m.locale])).toEqual([[person.phone, 'en']]);
    expect(got.sms[0]!.text).toContain(`to one of: ${shown}. Reason: I am at work that day.`);
    expect(got.mails.map((m) => [m.to, m.subject])).toEqual([[dispatcher.email, `改约申请：工单 ${caseNo}（#${first.body.id}）`]]);
    expect(got.mails[0]!.text).toContain(`可选时段：${shown}；原因：I am at work that day`);
    expect(got.mails[0]!.text).toContain(`POST /reschedule-requests/${first.body.id}/accept`);

    const timeline = async () => (await call('GET', `/cases/${caseNo}`, { as: 'supervisor' })).body.timeline as Array<{ type: string; data: any }>;
    const requested = (await timeline()).filter((e) => e.type === 'reschedule.requested');
    expect(requested.map((e) => e.data.notified)).toEqual([
      [
        { role: 'engineer', personId: person.id, name: engineer.name, via: 'named', channel: 'sms', engineerId: engineer.id },
        { role: 'dispatcher', personId: dispatcher.id, name: dispatcher.name, via: 'shift', channel: 'email' },
      ],
    ]);

    const decline = () => call('POST', `/reschedule-requests/${first.body.id}/decline`, { as: 'dispatcher', body: { reason: 'no engineer free then' } });
    expect((await decline()).status).toBe(200);
    expect((await decline()).status).toBe(200); // a retry: the customer is still texted once
    const declined = await eventually('the customer SMS with the reason', async () => {
      const found = await smsOf(caseNo, 'reschedule.declined');
      return found.length ? found : undefined;
    });
    expect(declined.map((m) => [m.to, m.locale])).toEqual([[phone, 'en']]);
    expect(declined[0]!.text).toMatch(/Reason: no engineer free then\. Your booked visit stands; for help call our hotline \S+/);
    // Nothing more arrives later: each message once.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await smsOf(caseNo, 'engineer.reschedule_requested')).length).toBe(1);
    expect((await smsOf(caseNo, 'reschedule.declined')).length).toBe(1);
    expect((await gatewayOutbox()).emails.filter((m) => m.subject.includes(caseNo) && !m.duplicate).length).toBe(1);
    expect((await timeline()).filter((e) => e.type.startsWith('reschedule.')).map((e) => [e.type, e.data.notified?.length])).toEqual([
      ['reschedule.requested', 2],
      ['reschedule.declined', 1],
    ]);
    await call('POST', `/cases/${caseNo}/cancel`, { body: { reason: 'test done' } });
  });
});
