// Text PostgreSQL cannot store (a NUL byte, a lone UTF-16 surrogate) is refused at the
// edge with 400 and the field path, on every route, before anything is reserved,
// written or started: such a value once wedged a case (its first timeline write failed
// on every attempt forever, with the case number reserved and the key hanging).
import { Pool } from 'pg';
import { intakeInput } from '../support/fixtures';
import { call, idempotencyKey, openCase, waitForStage } from '../support/http';
import { stackInfo } from '../support/stackInfo';

let pool: Pool;
beforeAll(() => {
  pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 2 });
});
afterAll(() => pool.end());

/** JSON text with the escape written literally, as a client on the wire would send it. */
function rawJson(value: unknown, placeholder: string, escape: string): string {
  return JSON.stringify(value).replace(placeholder, escape);
}

const POISONS = [
  { name: 'a NUL byte', escape: '\\u0000' },
  { name: 'a lone high surrogate', escape: '\\ud800' },
  { name: 'a lone low surrogate', escape: '\\udc00' },
];

describe.each(POISONS)('$name', ({ escape }) => {
  test('POST /cases: 400 with the field path; no key reserved, no case, and a retry with the key answers the same', async () => {
    const input = intakeInput({ faultDescription: 'a@@b' });
    const raw = rawJson(input, '@@', escape);
    const key = idempotencyKey();
    for (let attempt = 0; attempt < 2; attempt++) {
      const r = await call('POST', '/cases', { raw, headers: { 'idempotency-key': key } });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
      expect(r.body.error.fields).toEqual([{ path: 'body.faultDescription', message: expect.stringMatching(/cannot be stored/) }]);
    }
    const reserved = await pool.query('SELECT count(*)::int AS n FROM intake_requests WHERE idempotency_key = $1', [key]);
    expect(reserved.rows[0].n).toBe(0);
    const cases = await pool.query('SELECT count(*)::int AS n FROM cases WHERE product_serial = $1', [input.product.serial]);
    expect(cases.rows[0].n).toBe(0);
  });

  test('nested fields, object keys and array items are checked too', async () => {
    const nested = intakeInput();
    nested.customer.name = 'x@@y';
    const r = await call('POST', '/cases', { raw: rawJson(nested, '@@', escape), headers: { 'idempotency-key': idempotencyKey() } });
    expect(r.status).toBe(400);
    expect(r.body.error.fields[0].path).toBe('body.customer.name');
    const item = await call('POST', '/cases', {
      raw: rawJson(intakeInput({ attachments: ['https://example.com/@@.jpg'] }), '@@', escape),
      headers: { 'idempotency-key': idempotencyKey() },
    });
    expect(item.status).toBe(400);
    expect(item.body.error.fields[0].path).toBe('body.attachments.0');
    const key = await call('POST', '/cases', {
      raw: rawJson({ ...intakeInput(), ['k@@']: 1 }, '@@', escape),
      headers: { 'idempotency-key': idempotencyKey() },
    });
    expect(key.status).toBe(400);
    expect(key.body.error.fields[0].path).toMatch(/^body\./);
  });

  test('POST /complaints, POST /engineers and a move: 400, nothing written', async () => {
    const complaint = { category: 'other', grade: 'general', channel: 'phone', summary: 'x@@y', customer: { name: '李四', phone: '+86 137 0000 0001' } };
    const key = idempotencyKey();
    const c = await call('POST', '/complaints', { raw: rawJson(complaint, '@@', escape), headers: { 'idempotency-key': key } });
    expect(c.status).toBe(400);
    expect(c.body.error.fields[0].path).toBe('body.summary');
    const cr = await pool.query('SELECT count(*)::int AS n FROM complaint_requests WHERE idempotency_key = $1', [key]);
    expect(cr.rows[0].n).toBe(0);

    const id = `EP${Date.now().toString(36).slice(-6)}`;
    const engineer = { id, name: 'Wang@@', badgeNo: 'B-1', skills: [], regions: ['SH-PD'] };
    const e = await call('POST', '/engineers', { as: 'admin', raw: rawJson(engineer, '@@', escape) });
    expect(e.status).toBe(400);
    expect(e.body.error.fields[0].path).toBe('body.name');
    const er = await pool.query('SELECT count(*)::int AS n FROM engineers WHERE id = $1', [id]);
    expect(er.rows[0].n).toBe(0);

    const opened = await openCase(intakeInput());
    const caseNo = opened.body.case.caseNo;
    await waitForStage(caseNo, 'manual_dispatch');
    const before = await pool.query('SELECT count(*)::int AS n FROM case_events WHERE case_no = $1', [caseNo]);
    const m = await call('POST', `/cases/${caseNo}/cancel`, { as: 'supervisor', raw: rawJson({ reason: 'r@@' }, '@@', escape) });
    expect(m.status).toBe(400);
    expect(m.body.error.fields[0].path).toBe('body.reason');
    const after = await pool.query('SELECT count(*)::int AS n FROM case_events WHERE case_no = $1', [caseNo]);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});

// A URL carries UTF-8, where a lone surrogate cannot be written; a NUL can (%00).
test('a NUL byte in a query string or a path parameter: 400 with its path', async () => {
  const q = await call('GET', '/complaints?phone=138%0000', { as: 'supervisor' });
  expect(q.status).toBe(400);
  expect(q.body.error.fields).toEqual([{ path: 'query.phone', message: expect.stringMatching(/cannot be stored/) }]);
  const p = await call('GET', '/engineers/E%0001', { as: 'admin' });
  expect(p.status).toBe(400);
  expect(p.body.error.fields).toEqual([{ path: 'params.id', message: expect.stringMatching(/cannot be stored/) }]);
});
