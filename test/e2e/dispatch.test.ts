// Dispatch, booking and the customer link end to end: HTTP → API → Temporal dev server
// → worker → PostgreSQL, with a roster made through the admin API.
import { randomBytes } from 'node:crypto';
import { createHmac } from 'node:crypto';
import { Pool } from 'pg';
import { futureSlot, intakeInput } from '../support/fixtures';
import { call, eventually, openCase, waitForStage } from '../support/http';
import { uniqueRegion } from '../support/roster';
import { replayCase } from '../support/replay';
import { insertApiKey } from '../support/apiKeyRows';
import { LINK_SECRET, stackInfo } from '../support/stackInfo';

let pool: Pool;
const region = uniqueRegion('E2E');
const id = (n: string) => `${region}-${n}`;
/** API keys of the roster's engineers (rows in api_keys, as `npm run seed:keys` makes). */
const keys: Record<string, string> = {};
const customer = { region, lat: 31.2304, lng: 121.4737 };

beforeAll(async () => {
  pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 2 });
  const roster = [
    // Nearest and best rated: dispatch must pick NEAR.
    { id: id('NEAR'), name: '陈近', home: { lat: 31.231, lng: 121.475 }, rating: 4.9 },
    { id: id('MID'), name: '周中', home: { lat: 31.27, lng: 121.52 }, rating: 4.7 },
    { id: id('FAR'), name: '吴远', home: { lat: 31.45, lng: 121.8 }, rating: 4.3 },
    { id: id('TV'), name: '郑电视', home: { lat: 31.2305, lng: 121.4738 }, rating: 5, skills: [{ category: 'tv', level: 3 }] },
  ];
  for (const e of roster) {
    const r = await call('POST', '/engineers', {
      as: 'admin',
      body: {
        badgeNo: `BADGE-${e.id.slice(-4)}`,
        skills: [{ category: 'air_conditioner', level: 2 }],
        regions: [region],
        workingHours: { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' },
        ...e,
      },
    });
    expect(r.status).toBe(201);
    keys[e.id] = `test-${randomBytes(12).toString('hex')}`;
    await insertApiKey(pool, { key: keys[e.id]!, role: 'engineer', subject: e.id, label: `test:${e.id}` });
  }
});
afterAll(() => pool.end());

const contact = { confirmedAddress: '世纪大道100号 3楼', diagnosis: '疑似电容故障', partsToBring: [{ partNo: 'CAP-35UF', quantity: 1 }] };

async function offeredCase() {
  const { body } = await openCase(intakeInput({ customer: { ...intakeInput().customer, ...customer } }));
  const detail = await waitForStage(body.case.caseNo, 'offered');
  return { caseNo: body.case.caseNo as string, detail };
}

describe('roster admin API', () => {
  test('lists with filters and pages, patches and deactivates', async () => {
    const page1 = await call('GET', `/engineers?region=${region}&category=air_conditioner&limit=2`, { as: 'dispatcher' });
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((e: { id: string }) => e.id)).toEqual([id('FAR'), id('MID')]);
    const page2 = await call('GET', `/engineers?region=${region}&category=air_conditioner&limit=2&cursor=${page1.body.nextCursor}`, { as: 'dispatcher' });
    expect(page2.body.items.map((e: { id: string }) => e.id)).toEqual([id('NEAR')]);
    expect(page2.body.nextCursor).toBeNull();

    const patched = await call('PATCH', `/engineers/${id('FAR')}`, { as: 'admin', body: { maxOpenCases: 2 } });
    expect(patched.body.engineer).toMatchObject({ maxOpenCases: 2, openCases: 0, active: true });
    const dup = await call('POST', '/engineers', { as: 'admin', body: { id: id('FAR'), name: 'x', badgeNo: 'x', skills: [], regions: [region] } });
    expect(dup.status).toBe(409);
    const off = await call('DELETE', `/engineers/${id('TV')}`, { as: 'admin' });
    expect(off.body.engineer).toMatchObject({ id: id('TV'), active: false });
    const inactive = await call('GET', `/engineers?region=${region}&active=false`, { as: 'agent' });
    expect(inactive.body.items.map((e: { id: string }) => e.id)).toEqual([id('TV')]);
  });
});

describe('automatic dispatch', () => {
  test('picks the expected engineer, and the timeline says why', async () => {
    const { caseNo, detail } = await offeredCase();
    expect(detail.case.offer).toMatchObject({ engineerId: id('NEAR'), engineerName: '陈近', round: 1 });
    const ranked = detail.timeline.find((e: { type: string }) => e.type === 'dispatch.ranked');
    expect(ranked.data.candidates.map((c: { engineerId: string }) => c.engineerId)).toEqual([id('NEAR'), id('MID'), id('FAR')]);
    expect(ranked.data.candidates[0].reasons).toEqual(['0.1 km away', '0/5 open cases', 'rating 4.90', 'air_conditioner level 2']);
    expect(ranked.data.filteredOut).toEqual({ inactive: [id('TV')] });

    // The offered engineer sees it in their list; another engineer cannot take it.
    const mine = await call('GET', '/cases?limit=100', { key: keys[id('NEAR')] });
    expect(mine.body.items.map((c: { caseNo: string }) => c.caseNo)).toContain(caseNo);
    const stolen = await call('POST', `/cases/${caseNo}/offer/accept`, { key: keys[id('MID')], body: {} });
    expect(stolen.status).toBe(403);

    const declined = await call('POST', `/cases/${caseNo}/offer/decline`, { key: keys[id('NEAR')], body: { reason: '在另一单现场' } });
    expect(declined.status).toBe(200);
    const next = await waitForStage(caseNo, 'offered');
    expect(next.case.offer.engineerId).toBe(id('MID'));
    const accepted = await call('POST', `/cases/${caseNo}/offer/accept`, { key: keys[id('MID')], body: {} });
    expect(accepted.status).toBe(200);
    expect(accepted.body.case).toMatchObject({ stage: 'dispatched', engineer: { id: id('MID'), name: '周中', badgeNo: expect.any(String) } });

    // Now NEAR cannot act on MID's case.
    const notTheirs = await call('POST', `/cases/${caseNo}/contact`, { key: keys[id('NEAR')], body: contact });
    expect(notTheirs.status).toBe(403);
    await call('POST', `/cases/${caseNo}/cancel`, { body: { reason: 'test done' } });
  });

  test('concurrent overlapping bookings of one engineer leave exactly one', async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { caseNo } = await offeredCase();
      // Offers spread with load, so the dispatcher gives all three to NEAR by hand.
      const assigned = await call('POST', `/cases/${caseNo}/assign`, { as: 'dispatcher', body: { engineerId: id('NEAR') } });
      expect(assigned.status).toBe(200);
      expect((await call('POST', `/cases/${caseNo}/contact`, { key: keys[id('NEAR')], body: contact })).status).toBe(200);
      made.push(caseNo);
    }
    const slot = futureSlot();
    const overlapping = {
      start: new Date(Date.parse(slot.start) + 30 * 60_000).toISOString(),
      end: new Date(Date.parse(slot.end) + 30 * 60_000).toISOString(),
    };
    const replies = await Promise.all(
      made.map((caseNo, i) => call('POST', `/cases/${caseNo}/appointment`, { key: keys[id('NEAR')], body: i === 1 ? overlapping : slot })),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    for (const r of replies.filter((x) => x.status === 409)) expect(r.body.error.code).toBe('slot_conflict');
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM engineer_bookings WHERE engineer_id = $1 AND status = 'active'
       AND tstzrange(starts_at, ends_at) && tstzrange($2::timestamptz, $3::timestamptz)`,
      [id('NEAR'), slot.start, overlapping.end],
    );
    expect(rows[0].n).toBe(1);
    // The refused cases stay where they were.
    const stages = await Promise.all(made.map((c) => call('GET', `/cases/${c}`, { as: 'supervisor' })));
    expect(stages.map((r) => r.body.case.stage).sort()).toEqual(['contacted', 'contacted', 'scheduled']);
    for (const c of made) await call('POST', `/cases/${c}/cancel`, { body: { reason: 'test done' } });
  });

  test('a case nobody can take waits in the dispatch queue for a dispatcher', async () => {
    const { body } = await openCase(intakeInput());
    await waitForStage(body.case.caseNo, 'manual_dispatch');
    const queue = await call('GET', '/dispatch/queue?limit=100', { as: 'dispatcher' });
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((c: { caseNo: string }) => c.caseNo)).toContain(body.case.caseNo);
    expect((await call('GET', '/dispatch/queue', { as: 'agent' })).status).toBe(403);
    await call('POST', `/cases/${body.case.caseNo}/cancel`, { body: { reason: 'test done' } });
  });
});

describe('customer link', () => {
  function signed(caseNo: string, expiresAtSec: number): string {
    const payload = Buffer.from(`${caseNo}|${expiresAtSec}`).toString('base64url');
    return `${payload}.${createHmac('sha256', LINK_SECRET).update(payload).digest('base64url')}`;
  }

  test('the customer follows progress, approves the quote and confirms, without an API key', async () => {
    const { caseNo } = await offeredCase();
    const eng = { key: keys[id('NEAR')] };
    for (const [path, body] of [
      ['offer/accept', {}],
      ['contact', contact],
      ['appointment', futureSlot()],
      ['check-in', {}],
      ['diagnosis', { cause: '启动电容老化' }],
      [
        'quote',
        {
          lines: [
            { kind: 'part', partNo: 'CAP-35UF', description: '启动电容', quantity: 1, unitPrice: 80 },
            { kind: 'labour', description: '维修', quantity: 1, unitPrice: 100 },
          ],
        },
      ],
    ] as const) {
      const r = await call('POST', `/cases/${caseNo}/${path}`, { ...eng, body });
      expect({ path, status: r.status }).toEqual({ path, status: 200 });
    }
    // The customer got an SMS with the engineer's name, ID number and ETA (local SMS receiver).
    const sms = await eventually('the engineer SMS', async () => {
      const outbox = await call('GET', '/dev/outbox', { as: 'ops' });
      return outbox.body.sms.find(
        (m: { idempotencyKey: string; event: string }) => m.idempotencyKey.startsWith(`${caseNo}#`) && m.event === 'engineer.assigned',
      );
    });
    expect(sms).toMatchObject({ to: '+86138****8000', locale: 'zh-CN', duplicate: false });
    expect(sms.text).toContain('陈近');
    expect(sms.text).toContain('BADGE-NEAR');
    const link = await call('POST', `/cases/${caseNo}/customer-link`, { as: 'agent' });
    expect(link.status).toBe(201);
    expect(link.body.url).toContain(`/customer/cases/${link.body.token}`);
    const token = link.body.token as string;

    const view = await call('GET', `/customer/cases/${token}`, { as: null });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      caseNo,
      stage: 'awaiting_approval',
      canApproveQuote: true,
      engineer: { name: '陈近', badgeNo: expect.any(String) },
      quote: { total: 180, currency: 'CNY', status: 'awaiting_approval' },
    });
    const types = view.body.timeline.map((e: { type: string }) => e.type);
    expect(types).toEqual([
      'case.opened',
      'offer.accepted',
      'contact.recorded',
      'appointment.booked',
      'visit.checked_in',
      'diagnosis.recorded',
      'quote.submitted',
    ]);
    expect(view.body.timeline[0].label).toBe('已受理');
    expect(JSON.stringify(view.body)).not.toMatch(/dispatch\.ranked|offer\.sent|score|phone/);

    const approved = await call('POST', `/customer/cases/${token}/quote-decision`, { as: null, body: { approve: true } });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ stage: 'on_site', quote: { status: 'approved' } });
    expect(
      (
        await call('POST', `/cases/${caseNo}/check-out`, {
          ...eng,
          body: { result: 'fixed', resolution: '更换电容', partsUsed: [{ partNo: 'CAP-35UF', quantity: 1, oldPartReturned: true }] },
        })
      ).status,
    ).toBe(200);
    // The "please confirm" SMS carries a newer link, which replaces the agent's (410).
    await eventually('the SMS link replaces the agent link', async () =>
      (await call('GET', `/customer/cases/${token}`, { as: null })).status === 410 ? true : undefined,
    );
    const latest = (await call('POST', `/cases/${caseNo}/customer-link`, { as: 'agent' })).body.token as string;
    const again = await call('POST', `/customer/cases/${latest}/quote-decision`, { as: null, body: { approve: true } });
    expect(again.status).toBe(409);
    const confirmed = await call('POST', `/customer/cases/${latest}/confirm`, { as: null, body: { rating: 5, comment: '满意' } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.stage).toBe('archived');

    const detail = await call('GET', `/cases/${caseNo}`, { as: 'supervisor' });
    const decision = detail.body.timeline.find((e: { type: string }) => e.type === 'quote.approved');
    expect(decision.actor).toEqual({ role: 'customer', subject: caseNo, personId: null, personName: null });
    expect(detail.body.case.metrics).toMatchObject({ firstTimeFix: true, visits: 1 });
    const rated = await call('GET', `/engineers/${id('NEAR')}`, { as: 'dispatcher' });
    expect(rated.body.engineer.ratingCount).toBe(1);
    // The whole path (offers, booking, quote, link decisions) replays deterministically.
    await replayCase(caseNo);
  });

  test('a forged, tampered or expired link is refused and changes nothing', async () => {
    const { caseNo } = await offeredCase();
    const good = signed(caseNo, Math.floor(Date.now() / 1000) + 3600);
    expect((await call('GET', `/customer/cases/${good}`, { as: null })).status).toBe(200);

    const tampered = `${Buffer.from(`CS-20000101-000001|${Math.floor(Date.now() / 1000) + 3600}`).toString('base64url')}.${good.split('.')[1]}`;
    const forged = `${good.split('.')[0]}.${createHmac('sha256', 'not-the-secret-key!!').update(good.split('.')[0]!).digest('base64url')}`;
    const expired = signed(caseNo, Math.floor(Date.now() / 1000) - 60);
    for (const [token, code] of [
      [tampered, 'invalid_link'],
      [forged, 'invalid_link'],
      [expired, 'link_expired'],
    ] as const) {
      const view = await call('GET', `/customer/cases/${token}`, { as: null });
      expect({ status: view.status, code: view.body.error?.code }).toEqual({ status: 401, code });
      const confirm = await call('POST', `/customer/cases/${token}/confirm`, { as: null, body: { rating: 1 } });
      expect(confirm.status).toBe(401);
    }
    expect((await call('GET', `/cases/${caseNo}`, { as: 'supervisor' })).body.case.stage).toBe('offered');
    await call('POST', `/cases/${caseNo}/cancel`, { body: { reason: 'test done' } });
  });
});
