// Customer links through HTTP on the real stack: each link is a customer_links row checked
// on every use; a newer link (from an agent or from the worker's messages) revokes the
// older ones; staff revoke a subject's links; a closed case's link only reads; no customer
// response may be cached.
import { createHmac } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Pool } from 'pg';
import { createActivities } from '../../activities';
import { createDatabase, type Database } from '../../db/client';
import { futureSlot, intakeInput } from '../support/fixtures';
import { call, eventually, openCase, waitForStage } from '../support/http';
import { LINK_SECRET, stackInfo } from '../support/stackInfo';
import { gatewayOutbox } from '../support/gatewayOutbox';

let pool: Pool;
let db: Database;
beforeAll(() => {
  pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 2 });
  db = createDatabase(stackInfo().databaseUrl, { max: 2 });
});
afterAll(async () => {
  await pool.end();
  await db.$client.end();
});

async function manualCase(): Promise<string> {
  const opened = await openCase(intakeInput());
  expect(opened.status).toBe(201);
  await waitForStage(opened.body.case.caseNo, 'manual_dispatch');
  return opened.body.case.caseNo;
}

async function link(caseNo: string, query = ''): Promise<string> {
  const r = await call('POST', `/cases/${caseNo}/customer-link${query}`, { as: 'agent' });
  expect(r.status).toBe(201);
  return r.body.token;
}

const view = (token: string) => call('GET', `/customer/cases/${token}`, { as: null });

/** A raw request, for the headers. */
async function raw(method: string, path: string, init: { body?: string; contentType?: string } = {}): Promise<Response> {
  return fetch(`${stackInfo().apiUrl}${path}`, {
    method,
    body: init.body,
    headers: init.body !== undefined ? { 'content-type': init.contentType ?? 'application/json', 'idempotency-key': `nostore-${Date.now()}` } : {},
  });
}

test('a new link revokes the older ones (410 link_revoked); keepOthers=true keeps them', async () => {
  const caseNo = await manualCase();
  const first = await link(caseNo);
  expect((await view(first)).status).toBe(200);
  const second = await link(caseNo);
  const old = await view(first);
  expect(old.status).toBe(410);
  expect(old.body.error).toMatchObject({ code: 'link_revoked', message: expect.stringMatching(/replaced by a newer one/) });
  expect((await call('POST', `/customer/cases/${first}/confirm`, { as: null, body: { rating: 5 } })).status).toBe(410);
  expect((await view(second)).status).toBe(200);

  const third = await link(caseNo, '?keepOthers=true');
  expect((await view(second)).status).toBe(200);
  expect((await view(third)).status).toBe(200);
  const { rows } = await pool.query('SELECT revoked_reason, issued_by_role FROM customer_links WHERE subject_no = $1 ORDER BY issued_at', [caseNo]);
  expect(rows).toEqual([
    { revoked_reason: 'superseded', issued_by_role: 'agent' },
    { revoked_reason: null, issued_by_role: 'agent' },
    { revoked_reason: null, issued_by_role: 'agent' },
  ]);
  await call('POST', `/cases/${caseNo}/cancel`, { body: { reason: 'test done' } });
});

test("an agent revokes a case's links: all are refused, audited, and a new link works", async () => {
  const caseNo = await manualCase();
  const a = await link(caseNo);
  const b = await link(caseNo, '?keepOthers=true');
  const revoked = await call('DELETE', `/cases/${caseNo}/customer-links`, { as: 'agent' });
  expect(revoked).toEqual({ status: 200, body: { revoked: 2 } });
  for (const token of [a, b]) {
    const r = await view(token);
    expect(r.status).toBe(410);
    expect(r.body.error).toMatchObject({ code: 'link_revoked', message: expect.stringMatching(/withdrawn/) });
  }
  const trail = await call('GET', `/audit-events?targetKind=case&targetId=${caseNo}`, { as: 'ops' });
  expect(trail.body.items).toEqual([
    expect.objectContaining({
      action: 'customer_link.revoked',
      actor: { role: 'agent', subject: null, personId: null },
      data: expect.objectContaining({ revoked: 2 }),
    }),
  ]);
  expect((await view(await link(caseNo))).status).toBe(200);
  // Who may not: an engineer or a dispatcher; an unknown case is a 404.
  expect((await call('DELETE', `/cases/${caseNo}/customer-links`, { as: 'dispatcher' })).status).toBe(403);
  expect((await call('DELETE', '/cases/CS-19990101-000001/customer-links', { as: 'agent' })).status).toBe(404);
  await call('POST', `/cases/${caseNo}/cancel`, { body: { reason: 'test done' } });
});

test('a link signed before link ids works until its case gets a new link or a revocation', async () => {
  const legacy = (caseNo: string) => {
    const payload = Buffer.from(`${caseNo}|${Math.floor(Date.now() / 1000) + 3600}`).toString('base64url');
    return `${payload}.${createHmac('sha256', LINK_SECRET).update(payload).digest('base64url')}`;
  };
  const caseNo = await manualCase();
  expect((await view(legacy(caseNo))).status).toBe(200);
  await link(caseNo);
  expect((await view(legacy(caseNo))).status).toBe(410);

  const other = await manualCase();
  expect((await call('DELETE', `/cases/${other}/customer-links`, { as: 'supervisor' })).body).toEqual({ revoked: 0 });
  expect((await view(legacy(other))).status).toBe(410);
  for (const c of [caseNo, other]) await call('POST', `/cases/${c}/cancel`, { body: { reason: 'test done' } });
});

test("the worker's link in the confirmation SMS replaces the agent's; after archive the link only reads", async () => {
  const caseNo = await manualCase();
  const steps: Array<[string, string, unknown]> = [
    ['assign', 'dispatcher', { engineerId: 'E001' }],
    ['contact', 'engineerE001', { confirmedAddress: '世纪大道100号', diagnosis: '疑似电容故障', partsToBring: [] }],
    ['appointment', 'engineerE001', futureSlot()],
    ['check-in', 'engineerE001', { lat: 31.23, lng: 121.47 }],
  ];
  for (const [path, as, body] of steps) expect([path, (await call('POST', `/cases/${caseNo}/${path}`, { as: as as never, body })).status]).toEqual([path, 200]);
  const agents = await link(caseNo);
  expect((await call('POST', `/cases/${caseNo}/check-out`, { as: 'engineerE001', body: { result: 'fixed', resolution: '更换电容' } })).status).toBe(200);

  const sms = await eventually('the confirmation SMS with a link', async () => {
    // The receiver's own outbox: /dev/outbox masks the link (README "Logs, outbox, views and webhooks").
    const outbox = await gatewayOutbox();
    return outbox.sms.find((m) => (m.idempotencyKey ?? '').startsWith(`${caseNo}#`) && m.text.includes('/customer/cases/'));
  });
  const token = /\/customer\/cases\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(sms.text)![1]!;
  expect((await view(agents)).status).toBe(410);
  const { rows } = await pool.query("SELECT id, issued_by_subject FROM customer_links WHERE subject_no = $1 AND issued_by_role = 'system'", [caseNo]);
  expect(rows).toEqual([{ id: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/), issued_by_subject: `case-${caseNo}` }]);

  const confirmed = await call('POST', `/customer/cases/${token}/confirm`, { as: null, body: { rating: 5 } });
  expect(confirmed.status).toBe(200);
  expect(confirmed.body.stage).toBe('archived');
  const after = await view(token);
  expect(after.status).toBe(200);
  expect(after.body).toMatchObject({ caseNo, stage: 'archived', canConfirm: false, canApproveQuote: false });
  for (const [path, body] of [
    ['confirm', { rating: 1 }],
    ['quote-decision', { approve: false }],
    [
      'reschedule-request',
      { windows: [{ start: new Date(Date.now() + 86_400_000).toISOString(), end: new Date(Date.now() + 90_000_000).toISOString() }], reason: 'late' },
    ],
  ] as const) {
    const r = await call('POST', `/customer/cases/${token}/${path}`, { as: null, body });
    expect([path, r.status, r.body.error]).toEqual([path, 409, expect.objectContaining({ code: 'link_read_only', currentStage: 'archived' })]);
  }
  expect((await call('GET', `/cases/${caseNo}`, { as: 'supervisor' })).body.case.confirmation).toMatchObject({ rating: 5 });
});

test("a retried activity attempt issues the same link (the id derives from the run and the activity), and supersedes the run's earlier link", async () => {
  const caseNo = await manualCase();
  const activities = createActivities(db, { customerLinks: { secret: LINK_SECRET, baseUrl: 'http://localhost', ttlHours: 24 } });
  const attempt = async (activityId: string, n: number): Promise<{ url: string; expiresAt: string }> => {
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId: `case-${caseNo}`, runId: 'run-retry-test' }, activityId, attempt: n });
    type Issued = Awaited<ReturnType<typeof activities.issueCustomerLink>>;
    const issued = await env.run<[], Issued, () => Promise<Issued>>(() => activities.issueCustomerLink({ subjectNo: caseNo }));
    if (!issued) throw new Error('no link: the activities have a link secret');
    return issued;
  };
  const first = await attempt('7', 1);
  const retried = await attempt('7', 2);
  expect(retried).toEqual(first);
  const next = await attempt('9', 1);
  expect(next.url).not.toBe(first.url);
  const { rows } = await pool.query('SELECT revoked_reason FROM customer_links WHERE subject_no = $1 ORDER BY issued_at', [caseNo]);
  expect(rows).toEqual([{ revoked_reason: 'superseded' }, { revoked_reason: null }]);
  // The retry returned the first link as issued; it did not revoke the newer one.
  expect((await attempt('7', 3)).url).toBe(first.url);
  expect((await view(next.url.split('/').pop()!)).status).toBe(200);
  await call('POST', `/cases/${caseNo}/cancel`, { body: { reason: 'test done' } });
});

test('every customer response carries Cache-Control: no-store and Pragma: no-cache, errors too', async () => {
  const caseNo = await manualCase();
  const stale = await link(caseNo);
  const token = await link(caseNo);
  const forged = `${token.split('.')[0]}.${'A'.repeat(43)}`;
  const responses: Array<[string, Response]> = [
    ['200 view', await raw('GET', `/customer/cases/${token}`)],
    ['401 forged', await raw('GET', `/customer/cases/${forged}`)],
    ['410 revoked', await raw('GET', `/customer/cases/${stale}`)],
    ['400 short token', await raw('GET', '/customer/cases/abc')],
    // A valid link's move: the body is judged (a forged link's is 401 before its body is read).
    ['400 bad JSON', await raw('POST', `/customer/cases/${token}/confirm`, { body: '{"rating":' })],
    ['415 not JSON', await raw('POST', `/customer/cases/${token}/confirm`, { body: 'rating=5', contentType: 'text/plain' })],
    ['401 forged move', await raw('POST', `/customer/cases/${forged}/confirm`, { body: '{"rating":' })],
    ['404 no route', await raw('GET', '/customer/nothing-here')],
    ['401 complaint', await raw('GET', `/customer/complaints/${forged}`)],
  ];
  const seen = responses.map(([what, r]) => [what, r.status, r.headers.get('cache-control'), r.headers.get('pragma')]);
  expect(seen).toEqual(responses.map(([what]) => [what, Number(what.split(' ')[0]), 'no-store', 'no-cache']));
  await call('POST', `/cases/${caseNo}/cancel`, { body: { reason: 'test done' } });
});
