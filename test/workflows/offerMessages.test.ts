// The offered engineer is told: on the time-skipping server with the real activities
// (sendNotification through a real local HTTP server as the SMS gateway and webhook
// subscriber, the offer link signed and stored in the test stack's PostgreSQL), the offer
// SMS goes to the offered engineer's phone with a one-tap link for that engineer and
// round, and without the customer's phone or address.
import { and, eq } from 'drizzle-orm';
import { createActivities } from '../../activities';
import { receiverNotifications } from '../support/testNotifications';
import { createDatabase, type Database } from '../../db/client';
import { notifications } from '../../db/schema';
import * as defs from '../../workflows/definitions';
import { verifyOfferToken } from '../../shared/engineerOfferLinks';
import { eventsOf, stageIs, startCaseTestEnv, type CaseTestEnv } from '../support/caseTestEnv';
import { eventually } from '../support/http';
import { startHttpReceiver, type HttpReceiver, type Received } from '../support/receivers';
import { createEngineers, uniqueRegion } from '../support/roster';
import { LINK_SECRET, stackInfo } from '../support/stackInfo';

let t: CaseTestEnv;
let db: Database;
let gateway: HttpReceiver;
const linkConfig = { secret: LINK_SECRET, baseUrl: 'https://service.example.test', ttlHours: 24 };

beforeAll(async () => {
  gateway = await startHttpReceiver();
  db = createDatabase(stackInfo().databaseUrl);
  const sending = receiverNotifications(db, gateway.url);
  const { issueOfferLink } = createActivities(db, { customerLinks: linkConfig });
  t = await startCaseTestEnv('offer-messages-test', (real) => ({ ...real, ...sending, issueOfferLink }));
});
afterEach(() => t.endTest());
afterAll(async () => {
  await t?.close();
  await gateway?.close();
  await db?.$client.end();
});

function smsFor(caseNo: string, event: string, count = 1): Promise<Received[]> {
  return eventually(`${count} ${event} SMS for ${caseNo}`, async () => {
    const got = gateway.received.filter((r) => r.path === '/sms' && r.body?.caseNo === caseNo && r.body?.event === event);
    return got.length >= count ? got : undefined;
  });
}

test('each offer goes by SMS to the offered engineer with a link for that engineer and round; webhooks get it without the link', async () => {
  const region = uniqueRegion();
  await createEngineers(t.db, [
    { id: `${region}-A`, name: '甲工', phone: '+86 137 1000 0001', regions: [region], rating: 5 },
    { id: `${region}-B`, name: '乙工', phone: '+86 137 1000 0002', regions: [region], rating: 3 },
  ]);
  const { caseNo, handle } = await t.openCase(
    { priority: 'P2', faultDescription: '空调不制冷，请打 138 0013 8000 联系' },
    { region, lat: 31.23, lng: 121.47, phone: '+86 139 2222 3333', address: '浦东新区世纪大道100号' },
  );
  await stageIs(handle, 'offered');
  const [first] = await smsFor(caseNo, 'engineer.offered');
  expect(first!.body.to).toBe('+86 137 1000 0001');
  const offer = (await handle.query(defs.getCaseState)).offer!;
  const expires = new Date(Date.parse(offer.expiresAt) + 8 * 3_600_000).toISOString();
  const text = first!.body.text as string;
  expect(text).toMatch(
    new RegExp(
      `^新工单 ${caseNo}：air_conditioner KFR-35GW，${region}，故障：空调不制冷，请打 … 联系。请在 ${expires.slice(0, 10)} ${expires.slice(11, 16)} \\(UTC\\+8\\) 前接单或拒单：https://service\\.example\\.test/engineer/offers/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`,
    ),
  );
  expect(text).not.toContain('139 2222 3333');
  expect(text).not.toContain('世纪大道');
  const token = text.split('/engineer/offers/')[1]!;
  expect(verifyOfferToken(LINK_SECRET, token)).toEqual({
    ok: true,
    caseNo,
    engineerId: `${region}-A`,
    round: 1,
    expiresAt: new Date(Math.floor(Date.parse(offer.expiresAt) / 1000) * 1000),
    linkId: expect.any(String),
  });

  // Declined: the next candidate gets their own SMS and their own link.
  await handle.executeUpdate(defs.declineOffer, { args: [{ role: 'engineer', subject: `${region}-A` }, { reason: '在外地' }] });
  const both = await smsFor(caseNo, 'engineer.offered', 2);
  expect(both.map((s) => s.body.to)).toEqual(['+86 137 1000 0001', '+86 137 1000 0002']);
  const second = verifyOfferToken(LINK_SECRET, (both[1]!.body.text as string).split('/engineer/offers/')[1]!);
  expect(second).toMatchObject({ ok: true, caseNo, engineerId: `${region}-B`, round: 1 });

  const rows = await eventually('offer messages sent', async () => {
    const r = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.caseNo, caseNo), eq(notifications.event, 'engineer.offered')));
    return r.length === 4 && r.every((x) => x.status === 'sent') ? r : undefined;
  });
  expect(rows.map((r) => r.channel).sort()).toEqual(['sms', 'sms', 'webhook', 'webhook']);
  const webhooks = gateway.received.filter((r) => r.path !== '/sms' && r.body?.caseNo === caseNo && r.body?.event === 'engineer.offered');
  for (const w of webhooks) expect(JSON.stringify(w.body)).not.toContain('/engineer/offers/');
  // The timeline names the template each offer sent.
  const sent = (await eventsOf(t.db, caseNo)).filter((e) => e.type === 'offer.sent');
  expect(sent.map((e) => [(e.data as { engineerId: string }).engineerId, (e.data as { template?: string }).template])).toEqual([
    [`${region}-A`, 'engineer.offered'],
    [`${region}-B`, 'engineer.offered'],
  ]);
});

test('assignment by hand tells the engineer who gets the case, reassignment the one who loses it, cancellation the last one', async () => {
  const region = uniqueRegion();
  const a = { id: `${region}-A`, phone: '+86 137 2000 0001' };
  const b = { id: `${region}-B`, phone: '+86 137 2000 0002' };
  // No skills: automatic dispatch never picks them, the dispatcher does.
  await createEngineers(t.db, [
    { ...a, name: '丙工', regions: [region], skills: [] },
    { ...b, name: '丁工', regions: [region], skills: [] },
  ]);
  const { caseNo, handle } = await t.openCase({ priority: 'P3' }, { region, phone: '+86 139 4444 5555', address: '静安区南京西路1号' });
  await stageIs(handle, 'manual_dispatch');
  const dispatcher = { role: 'dispatcher' as const, subject: 'D01' };
  await handle.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId: a.id }] });
  const [assigned] = await smsFor(caseNo, 'engineer.case_assigned');
  expect([assigned!.body.to, assigned!.body.text]).toEqual([
    a.phone,
    `调度已将工单 ${caseNo} 派给您：air_conditioner KFR-35GW，${region}，故障：空调不制冷，室外机不启动。请尽快联系客户，详情见工单应用。`,
  ]);

  await handle.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId: b.id, note: '就近' }] });
  const [away] = await smsFor(caseNo, 'engineer.unassigned');
  expect([away!.body.to, away!.body.text]).toEqual([a.phone, `工单 ${caseNo}（air_conditioner KFR-35GW）已从您名下收回并改派他人，您无需再处理。`]);
  expect((await smsFor(caseNo, 'engineer.case_assigned', 2)).map((s) => s.body.to)).toEqual([a.phone, b.phone]);

  await handle.executeUpdate(defs.cancelCase, { args: [dispatcher, { reason: '客户已自行修好' }] });
  const [cancelled] = await smsFor(caseNo, 'engineer.case_cancelled');
  expect([cancelled!.body.to, cancelled!.body.text]).toEqual([b.phone, `工单 ${caseNo}（air_conditioner KFR-35GW）已取消，请勿上门。`]);

  // The timeline names the templates each move sent, and to whom.
  const events = await eventually('the cancellation recorded', async () => {
    const e = await eventsOf(t.db, caseNo);
    return e.some((x) => x.type === 'case.cancelled') ? e : undefined;
  });
  expect(
    events
      .filter((e) => ['engineer.assigned', 'engineer.reassigned', 'case.cancelled'].includes(e.type))
      .map((e) => [e.type, (e.data as { notified?: unknown }).notified]),
  ).toEqual([
    ['engineer.assigned', [{ engineerId: a.id, template: 'engineer.case_assigned' }]],
    [
      'engineer.reassigned',
      [
        { engineerId: b.id, template: 'engineer.case_assigned' },
        { engineerId: a.id, template: 'engineer.unassigned' },
      ],
    ],
    ['case.cancelled', [{ engineerId: b.id, template: 'engineer.case_cancelled' }]],
  ]);
});
