// Who may call what: every operation of the live API's OpenAPI document, called with the
// key of every role, with no key and with a revoked key, against a table written by hand
// (README "API keys" and the route table; never computed from ACTION_ROLES or the route
// specs). An operation the table does not list, or a listed one the API lacks, fails.
//
// "allowed" means the request got past authentication and the role check: any answer
// but 401/403 (usually 400 for the empty body or 404 for the unknown case; both change
// nothing). Customer-link and offer-link routes are called with a valid link of a real case/complaint.
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { insertApiKey } from '../support/apiKeyRows';
import { intakeInput } from '../support/fixtures';
import { call, openCase, type Reply } from '../support/http';
import { KEYS, LINK_SECRET, stackInfo } from '../support/stackInfo';
import { signOfferToken } from '../../shared/engineerOfferLinks';

const Y = 'allowed';
const F = 403;
const U = 401;
type Outcome = typeof Y | typeof F | typeof U;

const WHO = ['agent', 'dispatcher', 'engineer', 'supervisor', 'ops', 'admin', 'no key', 'revoked key'] as const;
type Who = (typeof WHO)[number];

// prettier-ignore
const TABLE: Record<string, readonly [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome]> = {
  //                                                agent dispat engin  superv ops    admin  no key revoked
  // Public, but a key sent along must be valid (ops and admin keys see details).
  'GET /health':                                   [Y,    Y,     Y,     Y,     Y,     Y,     Y,     U],
  'GET /health/live':                              [Y,    Y,     Y,     Y,     Y,     Y,     Y,     Y],
  'GET /health/ready':                             [Y,    Y,     Y,     Y,     Y,     Y,     Y,     U],

  'POST /cases':                                   [Y,    F,     F,     Y,     F,     Y,     U,     U],
  'GET /cases':                                    [Y,    Y,     Y,     Y,     Y,     Y,     U,     U],
  'GET /cases/{caseNo}':                           [Y,    Y,     Y,     Y,     Y,     Y,     U,     U],
  'POST /cases/{caseNo}/assign':                   [F,    Y,     F,     Y,     Y,     Y,     U,     U],
  'POST /cases/{caseNo}/redispatch':               [F,    Y,     F,     Y,     Y,     Y,     U,     U],
  'POST /cases/{caseNo}/offer/accept':             [F,    Y,     Y,     Y,     F,     Y,     U,     U],
  'POST /cases/{caseNo}/offer/decline':            [F,    Y,     Y,     Y,     F,     Y,     U,     U],
  'POST /cases/{caseNo}/contact':                  [F,    F,     Y,     Y,     F,     Y,     U,     U],
  'POST /cases/{caseNo}/appointment':              [Y,    Y,     Y,     Y,     F,     Y,     U,     U],
  'POST /cases/{caseNo}/no-show':                  [Y,    Y,     Y,     Y,     F,     Y,     U,     U],
  'POST /cases/{caseNo}/check-in':                 [F,    F,     Y,     Y,     F,     Y,     U,     U],
  'POST /cases/{caseNo}/diagnosis':                [F,    F,     Y,     Y,     F,     Y,     U,     U],
  'POST /cases/{caseNo}/quote':                    [F,    F,     Y,     Y,     F,     Y,     U,     U],
  'POST /cases/{caseNo}/quote/decision':           [Y,    F,     F,     Y,     F,     Y,     U,     U],
  'POST /cases/{caseNo}/check-out':                [F,    F,     Y,     Y,     F,     Y,     U,     U],
  'POST /cases/{caseNo}/confirm':                  [Y,    F,     F,     Y,     F,     Y,     U,     U],
  'POST /cases/{caseNo}/cancel':                   [Y,    Y,     F,     Y,     Y,     Y,     U,     U],
  'POST /cases/{caseNo}/priority':                 [Y,    F,     F,     Y,     F,     Y,     U,     U],
  'POST /cases/{caseNo}/customer-link':            [Y,    Y,     F,     Y,     F,     Y,     U,     U],
  'GET /cases/{caseNo}/escalations':               [Y,    Y,     F,     Y,     Y,     Y,     U,     U],

  'POST /complaints':                              [Y,    F,     F,     Y,     F,     Y,     U,     U],
  'GET /complaints':                               [Y,    F,     F,     Y,     Y,     Y,     U,     U],
  'GET /complaints/stats':                         [F,    F,     F,     Y,     Y,     Y,     U,     U],
  'GET /complaints/standard':                      [Y,    F,     F,     Y,     Y,     Y,     U,     U],
  'GET /complaints/{complaintNo}':                 [Y,    F,     F,     Y,     Y,     Y,     U,     U],
  'POST /complaints/{complaintNo}/customer-link':  [Y,    F,     F,     Y,     F,     Y,     U,     U],
  'POST /complaints/{complaintNo}/acknowledge':    [F,    F,     F,     Y,     F,     Y,     U,     U],
  'POST /complaints/{complaintNo}/investigate':    [F,    F,     F,     Y,     F,     Y,     U,     U],
  'POST /complaints/{complaintNo}/resolution':     [F,    F,     F,     Y,     F,     Y,     U,     U],
  'POST /complaints/{complaintNo}/decision':       [Y,    F,     F,     Y,     F,     Y,     U,     U],
  'POST /complaints/{complaintNo}/callback':       [Y,    F,     F,     Y,     F,     Y,     U,     U],
  'POST /complaints/{complaintNo}/close':          [F,    F,     F,     Y,     F,     Y,     U,     U],
  'POST /complaints/{complaintNo}/reassign':       [F,    F,     F,     Y,     F,     Y,     U,     U],
  'POST /complaints/{complaintNo}/notes':          [Y,    F,     F,     Y,     F,     Y,     U,     U],
  'POST /complaints/{complaintNo}/withdraw':       [Y,    F,     F,     Y,     F,     Y,     U,     U],

  'POST /engineers':                               [F,    F,     F,     F,     F,     Y,     U,     U],
  'GET /engineers':                                [Y,    Y,     F,     Y,     Y,     Y,     U,     U],
  'GET /engineers/{id}':                           [Y,    Y,     F,     Y,     Y,     Y,     U,     U],
  'PATCH /engineers/{id}':                         [F,    F,     F,     F,     F,     Y,     U,     U],
  'DELETE /engineers/{id}':                        [F,    F,     F,     F,     F,     Y,     U,     U],

  'POST /staff':                                   [F,    F,     F,     F,     F,     Y,     U,     U],
  'GET /staff':                                    [F,    Y,     F,     Y,     Y,     Y,     U,     U],
  'GET /staff/{id}':                               [F,    Y,     F,     Y,     Y,     Y,     U,     U],
  'PATCH /staff/{id}':                             [F,    F,     F,     F,     F,     Y,     U,     U],
  'DELETE /staff/{id}':                            [F,    F,     F,     F,     F,     Y,     U,     U],
  // An engineer about their own person only (403 for another; unknown is 404).
  'GET /staff/{id}/on-duty':                       [Y,    Y,     Y,     Y,     Y,     Y,     U,     U],
  'GET /me/notifications':                         [Y,    Y,     Y,     Y,     Y,     Y,     U,     U],
  'GET /duty/shifts':                              [F,    Y,     F,     Y,     Y,     Y,     U,     U],
  'POST /duty/shifts':                             [F,    F,     F,     F,     F,     Y,     U,     U],
  'DELETE /duty/shifts/{id}':                      [F,    F,     F,     F,     F,     Y,     U,     U],
  'GET /duty/fallbacks':                           [F,    Y,     F,     Y,     Y,     Y,     U,     U],
  'PUT /duty/fallbacks':                           [F,    F,     F,     F,     F,     Y,     U,     U],
  'DELETE /duty/fallbacks/{region}/{role}':        [F,    F,     F,     F,     F,     Y,     U,     U],
  'GET /duty/now':                                 [Y,    Y,     F,     Y,     Y,     Y,     U,     U],
  'GET /dispatch/queue':                           [F,    Y,     F,     Y,     Y,     Y,     U,     U],
  'GET /reschedule-requests':                      [F,    Y,     Y,     Y,     Y,     Y,     U,     U],
  'POST /reschedule-requests/{id}/accept':         [F,    Y,     F,     Y,     Y,     Y,     U,     U],
  'POST /reschedule-requests/{id}/decline':        [F,    Y,     F,     Y,     Y,     Y,     U,     U],

  // The customer's signed link, no API key: whatever key comes along is ignored.
  'GET /customer/cases/{token}':                   [Y,    Y,     Y,     Y,     Y,     Y,     Y,     Y],
  'POST /customer/cases/{token}/quote-decision':   [Y,    Y,     Y,     Y,     Y,     Y,     Y,     Y],
  'POST /customer/cases/{token}/confirm':          [Y,    Y,     Y,     Y,     Y,     Y,     Y,     Y],
  'POST /customer/cases/{token}/survey':           [Y,    Y,     Y,     Y,     Y,     Y,     Y,     Y],
  'POST /customer/cases/{token}/reschedule-request': [Y,  Y,     Y,     Y,     Y,     Y,     Y,     Y],
  'POST /customer/cases/{token}/maintenance/book': [Y,    Y,     Y,     Y,     Y,     Y,     Y,     Y],
  'POST /customer/cases/{token}/maintenance/opt-out': [Y, Y,     Y,     Y,     Y,     Y,     Y,     Y],
  'GET /customer/complaints/{token}':              [Y,    Y,     Y,     Y,     Y,     Y,     Y,     Y],
  'POST /customer/complaints/{token}/decision':    [Y,    Y,     Y,     Y,     Y,     Y,     Y,     Y],
  // The offered engineer's signed link, no API key: the same.
  'GET /engineer/offers/{token}':                  [Y,    Y,     Y,     Y,     Y,     Y,     Y,     Y],
  'POST /engineer/offers/{token}/accept':          [Y,    Y,     Y,     Y,     Y,     Y,     Y,     Y],
  'POST /engineer/offers/{token}/decline':         [Y,    Y,     Y,     Y,     Y,     Y,     Y,     Y],

  'GET /sla/policy':                               [F,    Y,     F,     Y,     Y,     Y,     U,     U],
  'PUT /sla/policy':                               [F,    F,     F,     F,     F,     Y,     U,     U],
  'GET /sla/policy/versions':                      [F,    Y,     F,     Y,     Y,     Y,     U,     U],
  'GET /sla/report':                               [F,    Y,     F,     Y,     Y,     Y,     U,     U],
  'GET /kpi':                                      [F,    F,     F,     Y,     Y,     Y,     U,     U],
  'GET /kpi/definitions':                          [F,    F,     F,     Y,     Y,     Y,     U,     U],

  'GET /ops/stuck':                                [F,    F,     F,     Y,     Y,     Y,     U,     U],
  'POST /ops/cases/{caseNo}/retry-now':            [F,    F,     F,     Y,     Y,     Y,     U,     U],
  'POST /ops/complaints/{complaintNo}/retry-now':  [F,    F,     F,     Y,     Y,     Y,     U,     U],

  'GET /callbacks':                                [Y,    F,     F,     Y,     F,     Y,     U,     U],
  'POST /callbacks/{id}/result':                   [Y,    F,     F,     Y,     F,     Y,     U,     U],
  'GET /callbacks/queue':                          [Y,    F,     F,     Y,     F,     Y,     U,     U],
  'POST /callbacks/{id}/outcome':                  [Y,    F,     F,     Y,     F,     Y,     U,     U],
  'POST /maintenance/{id}/opt-out':                [Y,    F,     F,     Y,     F,     Y,     U,     U],
  'GET /maintenance':                              [Y,    F,     F,     Y,     F,     Y,     U,     U],
  'POST /maintenance/{id}/open-case':              [Y,    F,     F,     Y,     F,     Y,     U,     U],

  'POST /webhooks':                                [F,    F,     F,     F,     F,     Y,     U,     U],
  'GET /webhooks':                                 [F,    F,     F,     F,     F,     Y,     U,     U],
  'DELETE /webhooks/{id}':                         [F,    F,     F,     F,     F,     Y,     U,     U],
  'GET /webhooks/{id}/deliveries':                 [F,    F,     F,     F,     F,     Y,     U,     U],
  'GET /notifications':                            [Y,    F,     F,     Y,     Y,     Y,     U,     U],
  'GET /dev/outbox':                               [F,    F,     F,     F,     Y,     Y,     U,     U],

  'GET /api-keys':                                 [F,    F,     F,     F,     F,     Y,     U,     U],
  'POST /api-keys':                                [F,    F,     F,     F,     F,     Y,     U,     U],
  'PATCH /api-keys/{id}':                          [F,    F,     F,     F,     F,     Y,     U,     U],
  'DELETE /api-keys/{id}':                         [F,    F,     F,     F,     F,     Y,     U,     U],
  'POST /api-keys/{id}/rotate':                    [F,    F,     F,     F,     F,     Y,     U,     U],
  'GET /audit-events':                             [F,    F,     F,     F,     Y,     Y,     U,     U],
  'DELETE /cases/{caseNo}/customer-links':         [Y,    F,     F,     Y,     F,     Y,     U,     U],
  'DELETE /complaints/{complaintNo}/customer-links': [Y,  F,     F,     Y,     F,     Y,     U,     U],
  // The codec server: reading Temporal payloads in clear is for ops and admin only.
  'POST /codec/decode':                            [F,    F,     F,     F,     Y,     Y,     U,     U],
  'POST /codec/encode':                            [F,    F,     F,     F,     Y,     Y,     U,     U],
};

/** Unknown subjects: an allowed caller gets 400/404 and nothing changes. */
const UNKNOWN = { caseNo: 'CS-19990101-000001', complaintNo: 'CP-19990101-000001', id: '2147483000', region: 'QA-NOWHERE', role: 'agent' };

const revokedKey = `cw_admin_revoked_${randomBytes(12).toString('hex')}`;
const activeDbKey = `cw_dispatcher_${randomBytes(12).toString('hex')}`;
let pool: Pool;
let activeDbKeyId: number;
let operations: string[];
let caseToken: string;
let complaintToken: string;
let offerToken: string;

beforeAll(async () => {
  pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 1 });
  // As `npm run seed:keys` leaves a key it replaced: the row stays, revoked. An admin
  // key, so only the revocation can refuse it.
  await insertApiKey(pool, { key: revokedKey, role: 'admin', label: `test:revoked:${revokedKey.slice(-6)}`, revoked: true });
  activeDbKeyId = await insertApiKey(pool, { key: activeDbKey, role: 'dispatcher', label: `test:dispatcher:${activeDbKey.slice(-6)}` });

  const doc = await call('GET', '/openapi.json', { as: null });
  expect(doc.status).toBe(200);
  operations = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
    Object.keys(ops)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );

  // A real case and complaint, for valid customer links.
  const opened = await openCase(intakeInput());
  expect(opened.status).toBe(201);
  const caseLink = await call('POST', `/cases/${opened.body.case.caseNo}/customer-link`, { as: 'agent' });
  expect(caseLink.status).toBe(201);
  caseToken = caseLink.body.token;
  const complaint = await call('POST', '/complaints', {
    as: 'agent',
    headers: { 'idempotency-key': `roles-${randomBytes(6).toString('hex')}` },
    body: {
      category: 'other',
      channel: 'phone',
      summary: 'role table check',
      customer: { phone: `+86 137 ${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}` },
    },
  });
  expect(complaint.status).toBe(201);
  const complaintLink = await call('POST', `/complaints/${complaint.body.complaint.complaintNo}/customer-link`, { as: 'agent' });
  expect(complaintLink.status).toBe(201);
  complaintToken = complaintLink.body.token;
  // An offer link as the worker issues it (a customer_links row, purpose engineer_offer).
  const linkId = randomBytes(16).toString('base64url');
  const expiresAt = new Date(Date.now() + 3_600_000);
  await pool.query("INSERT INTO customer_links (id, subject_no, purpose, expires_at, issued_by_role) VALUES ($1, $2, 'engineer_offer', $3, 'system')", [
    linkId,
    opened.body.case.caseNo,
    expiresAt,
  ]);
  offerToken = signOfferToken(
    { secret: LINK_SECRET, baseUrl: 'x' },
    { caseNo: opened.body.case.caseNo, engineerId: 'E001', round: 1, expiresAt, linkId },
  ).token;
});

afterAll(async () => {
  await pool?.end();
});

function request(op: string, who: Who): Promise<Reply> {
  const [method, template] = op.split(' ') as [string, string];
  const token = template.startsWith('/customer/complaints/') ? complaintToken : template.startsWith('/engineer/offers/') ? offerToken : caseToken;
  const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'token' ? token : UNKNOWN[name as keyof typeof UNKNOWN]));
  const body = method === 'GET' || method === 'DELETE' ? undefined : {};
  const auth = who === 'no key' ? { as: null } : who === 'revoked key' ? { key: revokedKey } : who === 'engineer' ? { key: KEYS.engineerE001 } : { as: who };
  return call(method, path, { ...auth, body });
}

function outcome(r: Reply): string {
  if (r.status === 401 || r.status === 403) return String(r.status);
  // A 404 for a route that does not exist is no "allowed".
  if (r.status === 404 && r.body?.error?.code === 'not_found') return 'no such route';
  return Y;
}

test('the table lists exactly the operations of the OpenAPI document', () => {
  expect([...operations].sort()).toEqual(Object.keys(TABLE).sort());
});

test('every operation answers every caller as the table says', async () => {
  const wrong: string[] = [];
  for (const op of operations) {
    const row = TABLE[op];
    if (!row) continue; // reported by the test above
    for (const [i, who] of WHO.entries()) {
      const got = outcome(await request(op, who));
      if (got !== String(row[i])) wrong.push(`${op} as ${who}: expected ${row[i]}, got ${got}`);
    }
  }
  expect(wrong).toEqual([]);
});

test('a revoked key is refused as unknown, and the same table row with a live key is not', async () => {
  const revoked = await call('GET', '/cases', { key: revokedKey });
  expect(revoked).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
  // A key from the api_keys table works while it is not revoked: it carries its role.
  expect((await call('GET', '/dispatch/queue', { key: activeDbKey })).status).toBe(200);
  expect((await call('POST', '/engineers', { key: activeDbKey, body: {} })).status).toBe(403);
  await pool.query('UPDATE api_keys SET revoked = true WHERE id = $1', [activeDbKeyId]);
  expect((await call('GET', '/dispatch/queue', { key: activeDbKey })).status).toBe(401);
});

test('a forged or garbled customer link is refused whatever key comes along', async () => {
  const forged = `${caseToken.split('.')[0]}.${'A'.repeat(43)}`;
  for (const who of WHO) {
    const auth = who === 'no key' ? { as: null } : who === 'revoked key' ? { key: revokedKey } : who === 'engineer' ? { key: KEYS.engineerE001 } : { as: who };
    expect([who, (await call('GET', `/customer/cases/${forged}`, auth)).status]).toEqual([who, 401]);
  }
});
