// Every client mistake gets a 4xx with a clear JSON error and changes nothing in
// PostgreSQL or Temporal.
import { Pool } from 'pg';
import { futureSlot, intakeInput } from '../support/fixtures';
import { call, idempotencyKey, openCase, waitForStage, type KeyName } from '../support/http';
import { KEYS, stackInfo } from '../support/stackInfo';

let pool: Pool;
let caseNo: string;

/** What a request could have changed: rows in every table and the workflow count. */
async function footprint() {
  const { rows } = await pool.query(`SELECT
    (SELECT count(*) FROM cases)::int AS cases,
    (SELECT count(*) FROM case_events)::int AS events,
    (SELECT count(*) FROM intake_requests)::int AS intakes,
    (SELECT count(*) FROM engineers)::int AS engineers,
    (SELECT count(*) FROM engineer_bookings)::int AS bookings,
    (SELECT count(*) FROM engineer_load)::int AS load`);
  return rows[0];
}

beforeAll(async () => {
  pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 2 });
  const { body } = await openCase(intakeInput());
  caseNo = body.case.caseNo;
  // Automatic dispatch writes its own events; let it settle before counting rows.
  await waitForStage(caseNo, 'manual_dispatch');
});
afterAll(() => pool.end());

function fieldPaths(body: { error: { fields?: Array<{ path: string }> } }): string[] {
  return (body.error.fields ?? []).map((f) => f.path);
}

const valid = () => intakeInput();

/** A body sent with exactly this Content-Type, or none at all (fetch adds none to bytes). */
async function sendAs(method: string, path: string, contentType: string | null, body: unknown, as: KeyName = 'agent', headers: Record<string, string> = {}) {
  const res = await fetch(`${stackInfo().apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEYS[as]}`, ...(contentType === null ? {} : { 'content-type': contentType }), ...headers },
    body: new TextEncoder().encode(JSON.stringify(body)),
  });
  return { status: res.status, body: await res.json() };
}

const cases: Array<{ name: string; send: () => Promise<{ status: number; body: any }>; status: number; code: string; fields?: string[] }> = [
  {
    name: 'malformed JSON',
    send: () => call('POST', '/cases', { raw: '{"channel": "phone",', headers: { 'idempotency-key': idempotencyKey() } }),
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'wrong types',
    send: () => openCase({ ...valid(), priority: 'P9', customer: { ...valid().customer, phone: 12345, lat: 'north' } }),
    status: 400,
    code: 'validation_failed',
    fields: ['body.customer.phone', 'body.customer.lat', 'body.priority'],
  },
  {
    name: 'missing required fields',
    send: () => openCase({ channel: 'phone' }),
    status: 400,
    code: 'validation_failed',
    fields: ['body.customer', 'body.product', 'body.faultDescription'],
  },
  {
    name: 'unknown fields',
    send: () => openCase({ ...valid(), sneaky: true, product: { ...valid().product, colour: 'red' } }),
    status: 400,
    code: 'validation_failed',
    fields: ['body', 'body.product'],
  },
  {
    name: 'an unknown channel and a non-http attachment',
    send: () => openCase({ ...valid(), channel: 'fax', attachments: ['ftp://x/y.jpg'] }),
    status: 400,
    code: 'validation_failed',
    fields: ['body.channel', 'body.attachments.0'],
  },
  {
    name: 'a preferred window that ends before it starts',
    send: () => openCase({ ...valid(), preferredWindows: [{ start: '2026-12-01T10:00:00Z', end: '2026-12-01T09:00:00Z' }] }),
    status: 400,
    code: 'validation_failed',
    fields: ['body.preferredWindows.0.end'],
  },
  {
    name: 'an oversize body',
    send: () => openCase({ ...valid(), faultDescription: 'x'.repeat(200_000) }),
    status: 413,
    code: 'body_too_large',
  },
  {
    name: 'no API key',
    send: () => call('POST', '/cases', { as: null, body: valid(), headers: { 'idempotency-key': idempotencyKey() } }),
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'an unknown API key',
    send: () => call('GET', '/cases', { as: null, headers: { authorization: 'Bearer not-a-key' } }),
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'a role that may not open cases',
    send: () => openCase(valid(), idempotencyKey(), 'engineerE001'),
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'a malformed case number',
    send: () => call('GET', '/cases/12345'),
    status: 400,
    code: 'validation_failed',
    fields: ['params.caseNo'],
  },
  {
    name: 'an unknown case',
    send: () => call('POST', '/cases/CS-19990101-999999/cancel', { body: { reason: 'x' } }),
    status: 404,
    code: 'case_not_found',
  },
  {
    name: 'a transition body with a bad value',
    send: () => call('POST', `/cases/${caseNo}/assign`, { as: 'dispatcher', body: { engineerId: 'E 001!' } }),
    status: 400,
    code: 'validation_failed',
    fields: ['body.engineerId'],
  },
  {
    name: 'assigning an engineer who does not exist',
    send: () => call('POST', `/cases/${caseNo}/assign`, { as: 'dispatcher', body: { engineerId: 'NOBODY-1' } }),
    status: 400,
    code: 'validation_failed',
    fields: ['body.engineerId'],
  },
  {
    name: 'a quote part line without a part number',
    send: () =>
      call('POST', `/cases/${caseNo}/quote`, { as: 'supervisor', body: { lines: [{ kind: 'part', description: '电容', quantity: 1, unitPrice: 10 }] } }),
    status: 400,
    code: 'validation_failed',
    fields: ['body.lines.0.partNo'],
  },
  {
    name: 'an engineer with bad working hours and no regions',
    send: () =>
      call('POST', '/engineers', {
        as: 'admin',
        body: { id: 'BAD-1', name: 'x', badgeNo: 'B1', skills: [], regions: [], workingHours: { days: [8], start: '18:00', end: '09:00' } },
      }),
    status: 400,
    code: 'validation_failed',
    fields: ['body.regions', 'body.workingHours.days.0'],
  },
  {
    name: 'a roster change by a dispatcher',
    send: () => call('PATCH', '/engineers/E001', { as: 'dispatcher', body: { maxOpenCases: 9 } }),
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'an empty roster change',
    send: () => call('PATCH', '/engineers/E001', { as: 'admin', body: {} }),
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'an unknown engineer',
    send: () => call('GET', '/engineers/NOBODY-2', { as: 'dispatcher' }),
    status: 404,
    code: 'engineer_not_found',
  },
  {
    name: 'a forged customer link',
    send: () => call('GET', '/customer/cases/eyJmb28iOiJiYXIifQ.c2lnbmF0dXJl', { as: null }),
    status: 401,
    code: 'invalid_link',
  },
  {
    name: 'a rating out of range',
    send: () => call('POST', `/cases/${caseNo}/confirm`, { body: { rating: 6 } }),
    status: 400,
    code: 'validation_failed',
    fields: ['body.rating'],
  },
  {
    name: 'a dispatcher-only action by an agent',
    send: () => call('POST', `/cases/${caseNo}/assign`, { as: 'agent', body: { engineerId: 'E001' } }),
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'an engineer on a case not assigned to them',
    send: () => call('POST', `/cases/${caseNo}/check-in`, { as: 'engineerE002', body: {} }),
    status: 403,
    code: 'forbidden',
  },
  {
    name: 'an unknown query parameter',
    send: () => call('GET', '/cases?colour=red'),
    status: 400,
    code: 'validation_failed',
    fields: ['query'],
  },
  {
    name: 'a forged cursor',
    send: () => call('GET', '/cases?cursor=bm90LWEtY3Vyc29y'),
    status: 400,
    code: 'validation_failed',
    fields: ['query.cursor'],
  },
  {
    name: 'a limit out of range',
    send: () => call('GET', '/cases?limit=1000'),
    status: 400,
    code: 'validation_failed',
    fields: ['query.limit'],
  },
  {
    name: 'a JSON body sent as text/plain',
    send: () => sendAs('POST', '/cases', 'text/plain', valid(), 'agent', { 'idempotency-key': idempotencyKey() }),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'a JSON body with no Content-Type',
    send: () => sendAs('POST', `/cases/${caseNo}/cancel`, null, { reason: 'customer called back' }),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'a JSON body sent as a form',
    send: () => sendAs('PATCH', '/engineers/E001', 'application/x-www-form-urlencoded', { maxOpenCases: 9 }, 'admin'),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'JSON in a charset the parser does not read',
    send: () => sendAs('POST', `/cases/${caseNo}/cancel`, 'application/json; charset=latin1', { reason: 'x' }),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'application/json; charset=utf-8 (accepted: reaches the case lookup)',
    send: () =>
      sendAs('POST', '/cases/CS-19990101-999998/cancel', 'application/json; charset=utf-8', { reason: 'x' }, 'agent', { 'idempotency-key': idempotencyKey() }),
    status: 404,
    code: 'case_not_found',
  },
  {
    name: 'application/merge-patch+json (accepted: reaches the roster)',
    send: () => sendAs('PATCH', '/engineers/NOBODY-3', 'application/merge-patch+json', { maxOpenCases: 9 }, 'admin'),
    status: 404,
    code: 'engineer_not_found',
  },
  {
    name: 'no body where one is required',
    send: () => call('POST', `/cases/${caseNo}/cancel`),
    status: 400,
    code: 'validation_failed',
    fields: ['body.reason'],
  },
  ...['0x10', '1e1', '+5', '5.0', '%205', '0b11', '5abc'].map((limit) => ({
    name: `a limit spelled ${limit}`,
    send: () => call('GET', `/cases?limit=${limit}`),
    status: 400,
    code: 'validation_failed',
    fields: ['query.limit'],
  })),
  {
    name: 'a hexadecimal number in another query',
    send: () => call('GET', '/ops/stuck?stalledMinutes=0x10', { as: 'ops' }),
    status: 400,
    code: 'validation_failed',
    fields: ['query.stalledMinutes'],
  },
  {
    name: 'a hexadecimal id in the path',
    send: () => call('DELETE', '/webhooks/0x1', { as: 'admin' }),
    status: 400,
    code: 'validation_failed',
    fields: ['params.id'],
  },
  {
    name: 'an id in the path in exponent notation',
    send: () => call('POST', '/callbacks/1e3/result', { body: { reached: false } }),
    status: 400,
    code: 'validation_failed',
    fields: ['params.id'],
  },
  {
    name: 'a cursor in exponent notation',
    send: () => call('GET', '/callbacks?cursor=1e3'),
    status: 400,
    code: 'validation_failed',
    fields: ['query.cursor'],
  },
  {
    name: 'a boolean query spelled 1',
    send: () => call('GET', '/complaints?open=1'),
    status: 400,
    code: 'validation_failed',
    fields: ['query.open'],
  },
  {
    name: 'an unknown route',
    send: () => call('GET', '/nope'),
    status: 404,
    code: 'not_found',
  },
];

describe('bad input', () => {
  for (const c of cases) {
    test(`${c.name} → ${c.status} ${c.code}, nothing changed`, async () => {
      const before = await footprint();
      const r = await c.send();
      expect(r.status).toBe(c.status);
      expect(r.body.error.code).toBe(c.code);
      expect(r.body.error.message).toEqual(expect.any(String));
      if (c.fields) expect(fieldPaths(r.body)).toEqual(expect.arrayContaining(c.fields));
      expect(await footprint()).toEqual(before);
    });
  }

  test('a plain decimal limit is still read', async () => {
    const r = await call('GET', '/cases?limit=016');
    expect(r.status).toBe(200);
    expect(r.body.items.length).toBeLessThanOrEqual(16);
  });

  test('an appointment in the past is refused with the field named', async () => {
    const assigned = await call('POST', `/cases/${caseNo}/assign`, { as: 'dispatcher', body: { engineerId: 'E001' } });
    expect(assigned.status).toBe(200);
    const before = await footprint();
    const past = await call('POST', `/cases/${caseNo}/appointment`, {
      as: 'engineerE001',
      body: { start: '2020-01-01T09:00:00Z', end: '2020-01-01T10:00:00Z' },
    });
    expect(past.status).toBe(400);
    expect(fieldPaths(past.body)).toEqual(['body.start']);
    const tooLong = { start: futureSlot().start, end: new Date(Date.parse(futureSlot().start) + 13 * 3600_000).toISOString() };
    const long = await call('POST', `/cases/${caseNo}/appointment`, { as: 'engineerE001', body: tooLong });
    expect(long.status).toBe(400);
    expect(await footprint()).toEqual(before);
  });
});
