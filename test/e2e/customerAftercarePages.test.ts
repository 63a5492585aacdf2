// The after-visit customer pages over plain HTTP on the real stack, from the links the SMS
// receiver captured: the survey answered with a form post (CSRF, 303 back to the page) and
// the callback workflow ending on it (a low rating opens a complaint); the maintenance
// reminder's page booking a case of kind maintenance and opting out behind a confirmation
// step; and what a person is told when it is no longer possible (already answered, already
// booked, window closed, opted out). Nothing here waits on a clock: the workflows start
// with their dates already due (test/support/aftercareCase.ts).
import { Connection, type Client } from '@temporalio/client';
import { Pool } from 'pg';
import { formatDay } from '../../api/pages/customer/aftercare';
import { complaintWorkflowId } from '../../domain/complaints';
import { getMaintenanceState } from '../../workflows/callbackDefinitions';
import { archivedCase, maintenanceReminded, surveySent } from '../support/aftercareCase';
import { call, eventually } from '../support/http';
import { testClient } from '../support/payloadKeys';
import { stackInfo } from '../support/stackInfo';

jest.setTimeout(180_000);

const DAY = 24 * 3600_000;
let pool: Pool;
let connection: Connection;
let client: Client;
const cleanup: string[] = [];
beforeAll(async () => {
  pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 2 });
  connection = await Connection.connect({ address: stackInfo().temporalAddress });
  client = testClient(connection);
});
afterAll(async () => {
  await Promise.all(
    cleanup.map((id) =>
      client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined),
    ),
  );
  await connection.close();
  await pool.end();
});

const phone = () => `+86 137 ${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')} ${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
async function page(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const res = await fetch(`${stackInfo().apiUrl}${path}`, { redirect: 'manual', ...init, headers: { ...html, ...init.headers } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The page, and what its forms need: the CSRF cookie and token. */
async function open(path: string) {
  const got = await page(path);
  expect([path, got.status]).toEqual([path, 200]);
  const cookie = `cw_csrf=${/cw_csrf=([^;]+)/.exec(got.headers.get('set-cookie') ?? '')![1]!}`;
  const csrf = /name="csrf" value="([^"]+)"/.exec(got.text)![1]!;
  return { text: got.text, cookie, csrf };
}

let keys = 0;
/** One form post as a browser sends it (urlencoded, the cookie, a fresh form key). */
function post(path: string, form: { cookie: string; csrf: string }, fields: Record<string, string>, lang = 'zh-CN') {
  return page(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
    body: new URLSearchParams({ ...fields, csrf: form.csrf, key: `ac-${Date.now()}-${++keys}-abcdefgh`, lang }).toString(),
  });
}

const errorCode = (body: { error?: { code?: string }; code?: string }) => body.error?.code ?? body.code;
const chinaLocal = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16);

test('the survey: answered with one form post, shown back with its time; the callback workflow ends on it and a low rating opens a complaint', async () => {
  const c = await archivedCase(client, phone());
  const token = await surveySent(client, pool, c);
  const path = `/customer/cases/${token}`;
  // Programs still get JSON at the link.
  const json = await call('GET', path, { as: null });
  expect([json.status, json.body.caseNo ?? json.body.case?.caseNo]).toEqual([200, c.caseNo]);

  const form = await open(`${path}?lang=en`);
  expect(form.text).toContain('How did we do?');
  expect(form.text).toContain(`action="${path}/forms/survey"`);
  // Without the browser's CSRF cookie: refused, nothing recorded.
  const forged = await post(`${path}/forms/survey`, { cookie: 'cw_csrf=AAAAAAAAAAAAAAAAAAAAAAAA', csrf: form.csrf }, { rating: '5' }, 'en');
  expect([forged.status, forged.text]).toEqual([403, expect.stringContaining('This form has expired')]);
  expect((await pool.query('SELECT status FROM callback_tasks WHERE case_no = $1', [c.caseNo])).rows).toEqual([{ status: 'survey' }]);

  const sent = await post(`${path}/forms/survey`, form, { rating: '2', comment: '师傅迟到了两小时' }, 'en');
  expect([sent.status, sent.headers.get('location')]).toEqual([303, `${path}?lang=en&sent=1#survey`]);
  // The answer reached the callback workflow, which ended on it and opened the complaint.
  const complaintNo = `CP-${c.caseNo}-CB`;
  cleanup.push(complaintWorkflowId(complaintNo));
  expect(await client.workflow.getHandle(`callback-${c.caseNo}`).result()).toMatchObject({
    status: 'done',
    outcome: 'unsatisfied',
    satisfaction: 2,
    complaintNo,
  });
  const { rows } = await pool.query('SELECT status, outcome, satisfaction, via, complaint_no, done_at FROM callback_tasks WHERE case_no = $1', [c.caseNo]);
  expect(rows).toEqual([{ status: 'done', outcome: 'unsatisfied', satisfaction: 2, via: 'sms_survey', complaint_no: complaintNo, done_at: expect.any(Date) }]);
  const complaint = await eventually('the complaint', async () => {
    const r = await call('GET', `/complaints/${complaintNo}`, { as: 'supervisor' });
    return r.status === 200 ? r.body.complaint : undefined;
  });
  expect(complaint).toMatchObject({ caseNo: c.caseNo, source: 'auto', summary: expect.stringContaining('师傅迟到了两小时') });

  const shown = await page(sent.headers.get('location')!);
  expect(shown.text).toContain('Thank you for your rating');
  expect(shown.text).toContain('★★☆☆☆');
  expect(shown.text).toContain('师傅迟到了两小时');
  expect(shown.text).toContain(`<time datetime="${(rows[0].done_at as Date).toISOString()}">`);
  expect(shown.text).not.toContain('/forms/survey');
  // The same form sent again from another tab: a page that says it was answered.
  const again = await post(`${path}/forms/survey`, form, { rating: '5' }, 'en');
  expect([again.status, again.text]).toEqual([409, expect.stringContaining('You have already answered this survey')]);
  expect((await pool.query('SELECT satisfaction FROM callback_tasks WHERE case_no = $1', [c.caseNo])).rows).toEqual([{ satisfaction: 2 }]);
});

test('the maintenance reminder: its link outlives the due date; the page books a maintenance case, then opts out after a confirmation step', async () => {
  const c = await archivedCase(client, phone());
  // Serviced a year and a day ago: due yesterday, bookable for 29 more days.
  const { token, input } = await maintenanceReminded(client, c, 366);
  cleanup.push(input.seriesId);
  const path = `/customer/cases/${token}`;
  const [reminder] = (await pool.query('SELECT id, due_at FROM maintenance_reminders WHERE series_id = $1', [input.seriesId])).rows;
  const closes = (reminder.due_at as Date).getTime() + 30 * DAY;
  const { rows: links } = await pool.query('SELECT expires_at FROM customer_links WHERE subject_no = $1 AND revoked_at IS NULL', [c.caseNo]);
  expect(links.map((l) => (l.expires_at as Date).getTime())).toEqual([closes]);

  const form = await open(path);
  expect(form.text).toContain('空调清洗保养');
  expect(form.text).toContain(c.product.serial);
  expect(form.text).toContain(formatDay((reminder.due_at as Date).toISOString(), 'zh-CN'));
  expect(form.text).toContain(`action="${path}/forms/maintenance"`);
  expect(form.text).toContain(`href="${path}?step=opt-out&amp;lang=zh-CN#opt-out"`);

  const start = Date.now() + 3 * DAY;
  const window = { start: new Date(start - (start % 3600_000)).toISOString(), end: new Date(start - (start % 3600_000) + 3 * 3600_000).toISOString() };
  const booked = await post(`${path}/forms/maintenance`, form, {
    start1: chinaLocal(Date.parse(window.start)),
    end1: chinaLocal(Date.parse(window.end)),
    start2: '',
    end2: '',
    start3: '',
    end3: '',
  });
  expect([booked.status, booked.headers.get('location')]).toEqual([303, `${path}?lang=zh-CN&sent=1#maintenance`]);
  const [row] = (await pool.query('SELECT status, opened_case_no, booked_via FROM maintenance_reminders WHERE id = $1', [reminder.id])).rows;
  expect(row).toMatchObject({ status: 'opened', booked_via: 'link' });
  const caseNo = row.opened_case_no as string;
  const opened = (await call('GET', `/cases/${caseNo}`, { as: 'supervisor' })).body.case;
  expect(opened).toMatchObject({ priority: 'P4', faultDescription: expect.stringContaining(c.caseNo) });
  expect(opened.preferredWindows.map((w: { start: string; end: string }) => [Date.parse(w.start), Date.parse(w.end)])).toEqual([
    [Date.parse(window.start), Date.parse(window.end)],
  ]);
  expect((await pool.query('SELECT kind FROM cases WHERE case_no = $1', [caseNo])).rows).toEqual([{ kind: 'maintenance' }]);
  // The series heard of it: the next cycle counts from the booking.
  const series = client.workflow.getHandle(input.seriesId);
  await eventually('cycle 2', async () => ((await series.query(getMaintenanceState)).cycle === 2 ? true : undefined));
  const shown = await page(booked.headers.get('location')!);
  expect(shown.text).toContain('您已预约保养');
  expect(shown.text).toContain(caseNo);
  expect(shown.text).not.toContain(`action="${path}/forms/maintenance"`);
  // The page's form sent again: already booked, and no second case.
  const twice = await post(`${path}/forms/maintenance`, form, { start1: '', end1: '' });
  expect([twice.status, twice.text]).toEqual([409, expect.stringContaining('您已预约过本次保养')]);
  expect((await pool.query('SELECT opened_case_no FROM maintenance_reminders WHERE id = $1', [reminder.id])).rows).toEqual([{ opened_case_no: caseNo }]);

  // Opt out: a confirmation step first, then one post; recorded, and the series ends.
  const step = await open(`${path}?step=opt-out`);
  expect(step.text).toContain('确认不再接收保养提醒？');
  expect(step.text).toContain(`action="${path}/forms/maintenance-opt-out"`);
  const out = await post(`${path}/forms/maintenance-opt-out`, step, {});
  expect([out.status, out.headers.get('location')]).toEqual([303, `${path}?lang=zh-CN&sent=1#maintenance`]);
  expect((await pool.query('SELECT via, by FROM maintenance_opt_outs WHERE series_id = $1', [input.seriesId])).rows).toEqual([
    { via: 'link', by: `customer:${c.caseNo}` },
  ]);
  expect(await series.result()).toMatchObject({ status: 'opted_out', cycle: 2 });
  expect((await page(path)).text).toContain('您已退订此产品的保养提醒');
  await call('POST', `/cases/${caseNo}/cancel`, { body: { reason: 'test over' } });
});

test('after the booking window: the reminder link has expired, a fresh link says booking closed, and an opted-out product cannot be booked', async () => {
  const c = await archivedCase(client, phone());
  // Due 31 days ago: the window closed yesterday, so the cycle lapses at once.
  const { token, input } = await maintenanceReminded(client, c, 365 + 31);
  cleanup.push(input.seriesId);
  const expired = await page(`/customer/cases/${token}`);
  expect([expired.status, expired.text]).toEqual([401, expect.stringContaining('此链接已过期')]);
  await eventually('lapsed', async () => {
    const { rows } = await pool.query('SELECT status FROM maintenance_reminders WHERE series_id = $1', [input.seriesId]);
    return rows[0]?.status === 'lapsed' ? true : undefined;
  });

  // The customer calls; an agent sends a fresh link.
  const fresh = (await call('POST', `/cases/${c.caseNo}/customer-link`, { as: 'agent' })).body.token as string;
  const path = `/customer/cases/${fresh}`;
  const form = await open(`${path}?lang=en`);
  expect(form.text).toContain('Booking for this service has closed');
  expect(form.text).not.toContain(`action="${path}/forms/maintenance"`);
  const closed = await post(`${path}/forms/maintenance`, form, { start1: '', end1: '' }, 'en');
  expect([closed.status, closed.text]).toEqual([409, expect.stringContaining('Booking for this service has closed, so it cannot be booked online')]);
  const closedJson = await call('POST', `${path}/maintenance/book`, { as: null, body: {} });
  expect([closedJson.status, errorCode(closedJson.body)]).toEqual([409, 'booking_closed']);

  const out = await post(`${path}/forms/maintenance-opt-out`, form, {}, 'en');
  expect(out.status).toBe(303);
  expect((await page(`${path}?lang=en`)).text).toContain('You stopped the maintenance reminders for this product');
  const optedOut = await post(`${path}/forms/maintenance`, form, { start1: '', end1: '' }, 'en');
  expect([optedOut.status, optedOut.text]).toEqual([
    409,
    expect.stringContaining('You stopped the maintenance reminders for this product, so it cannot be booked'),
  ]);
  const optedOutJson = await call('POST', `${path}/maintenance/book`, { as: null, body: {} });
  expect([optedOutJson.status, errorCode(optedOutJson.body)]).toEqual([409, 'maintenance_opted_out']);
  expect((await pool.query('SELECT status, opened_case_no FROM maintenance_reminders WHERE series_id = $1', [input.seriesId])).rows).toEqual([
    { status: 'lapsed', opened_case_no: null },
  ]);
  expect(await client.workflow.getHandle(input.seriesId).result()).toMatchObject({ status: 'opted_out', cycle: 2 });
});
