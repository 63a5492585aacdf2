// An engineer is told of an offer and answers it with one tap, end to end: HTTP → API →
// Temporal dev server → worker → the local SMS receiver (read raw: /dev/outbox masks
// links) → the link, with no API key → the same Update as POST /cases/:caseNo/offer/*.
import { intakeInput } from '../support/fixtures';
import { call, eventually, openCase, waitForStage } from '../support/http';
import { gatewayOutbox } from '../support/gatewayOutbox';
import { uniqueRegion } from '../support/roster';
import { LINK_SECRET, stackInfo } from '../support/stackInfo';
import { signOfferToken } from '../../shared/engineerOfferLinks';

const region = uniqueRegion('OFR');
const near = { id: `${region}-NEAR`, name: '陈近', phone: '+86 137 7000 0001', home: { lat: 31.231, lng: 121.475 }, rating: 4.9 };
const far = { id: `${region}-FAR`, name: '吴远', phone: '+86 137 7000 0002', home: { lat: 31.45, lng: 121.8 }, rating: 4.1 };
const customer = { ...intakeInput().customer, region, lat: 31.2304, lng: 121.4737, phone: '+86 139 8800 7766', address: '浦东新区锦绣路88号' };
const path = (token: string, action = '') => `/engineer/offers/${token}${action}`;

beforeAll(async () => {
  for (const e of [near, far]) {
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
  }
});

/** The offer SMS an engineer's phone received for the case (raw, from the receiver), and its token. */
function offerSms(caseNo: string, phone: string): Promise<{ text: string; token: string }> {
  return eventually(`the offer SMS of ${caseNo} to ${phone}`, async () => {
    const sms = (await gatewayOutbox()).sms.find((m) => m.event === 'engineer.offered' && m.to === phone && m.text.includes(caseNo));
    return sms ? { text: sms.text, token: sms.text.split('/engineer/offers/')[1]! } : undefined;
  });
}

async function caseOf(caseNo: string) {
  return (await call('GET', `/cases/${caseNo}`, { as: 'supervisor' })).body;
}

test('the offered engineer declines by link, the next accepts by link; the first link is refused afterwards', async () => {
  const opened = await openCase(intakeInput({ customer, faultDescription: '空调外机异响，不制冷' }));
  expect(opened.status).toBe(201);
  const caseNo = opened.body.case.caseNo as string;
  await waitForStage(caseNo, 'offered');

  const first = await offerSms(caseNo, near.phone);
  expect(first.text).toContain(`新工单 ${caseNo}：air_conditioner`);
  expect(first.text).toContain('故障：空调外机异响，不制冷。');
  expect(first.text).not.toContain('139 8800 7766');
  expect(first.text).not.toContain('锦绣路');

  // The link's page, no API key, never cached.
  const page = await fetch(`${stackInfo().apiUrl}${path(first.token)}`);
  expect([page.status, page.headers.get('cache-control')]).toEqual([200, 'no-store']);
  expect(await page.json()).toMatchObject({ caseNo, stage: 'offered', engineerId: near.id, round: 1, open: true, region, fault: '空调外机异响，不制冷' });

  const declined = await call('POST', path(first.token, '/decline'), { as: null, body: { reason: '今天在外区' } });
  expect([declined.status, declined.body.open]).toEqual([200, false]);
  const second = await offerSms(caseNo, far.phone);
  expect(second.token).not.toBe(first.token);

  // The declined link is refused and changes nothing.
  const again = await call('POST', path(first.token, '/accept'), { as: null, body: {} });
  expect([again.status, again.body.error.code]).toEqual([409, 'offer_closed']);
  expect((await caseOf(caseNo)).case).toMatchObject({ stage: 'offered' });

  const accepted = await call('POST', path(second.token, '/accept'), { as: null, body: { note: '马上出发' } });
  expect([accepted.status, accepted.body.stage, accepted.body.assignedTo]).toEqual([200, 'dispatched', far.id]);
  // A second tap (no key: the link's own) answers as the first.
  const retried = await call('POST', path(second.token, '/accept'), { as: null, body: { note: '马上出发' } });
  expect([retried.status, retried.body.assignedTo]).toEqual([200, far.id]);

  const detail = await caseOf(caseNo);
  expect(detail.case).toMatchObject({ stage: 'dispatched', engineer: { id: far.id } });
  const acceptedEvents = detail.timeline.filter((e: { type: string }) => e.type === 'offer.accepted');
  expect(acceptedEvents).toHaveLength(1);
  expect(acceptedEvents[0]).toMatchObject({ actor: { role: 'engineer', subject: far.id }, data: { engineerId: far.id } });
  expect(detail.timeline.filter((e: { type: string }) => e.type === 'offer.declined')[0]).toMatchObject({ actor: { role: 'engineer', subject: near.id } });

  // The other engineer's link, after the case went to someone else.
  for (const action of ['', '/accept', '/decline']) {
    const r = action
      ? await call('POST', path(first.token, action), { as: null, body: action === '/decline' ? { reason: 'x' } : {} })
      : await call('GET', path(first.token), { as: null });
    expect([action, r.status, r.body.error.code, r.body.error.message]).toEqual([action, 409, 'offer_closed', `case ${caseNo} has gone to another engineer`]);
  }
  // The accepted link: answered, no longer open.
  const own = await call('GET', path(second.token), { as: null });
  expect([own.status, own.body.error.message]).toEqual([409, `you have accepted case ${caseNo} already; open it in the app`]);
});

test("the first offered engineer accepts by link at once; the next engineer's link is refused after that", async () => {
  const opened = await openCase(intakeInput({ customer, faultDescription: '空调漏水' }));
  const caseNo = opened.body.case.caseNo as string;
  await waitForStage(caseNo, 'offered');
  // Round 1 gives each engineer a link: the near one declines, the far one declines too,
  // and the case waits for a dispatcher.
  const nearFirst = await offerSms(caseNo, near.phone);
  expect((await call('POST', path(nearFirst.token, '/decline'), { as: null, body: { reason: '忙' } })).status).toBe(200);
  const next = await offerSms(caseNo, far.phone);
  expect((await call('POST', path(next.token, '/decline'), { as: null, body: { reason: '忙' } })).status).toBe(200);
  await waitForStage(caseNo, 'manual_dispatch');
  // Round 2: the near engineer is offered first again and accepts with one tap.
  expect((await call('POST', `/cases/${caseNo}/redispatch`, { as: 'dispatcher', body: { reason: '再派一轮' } })).status).toBe(200);
  const round2 = await eventually(`the round-2 offer SMS of ${caseNo}`, async () => {
    const sms = (await gatewayOutbox()).sms.filter((m) => m.event === 'engineer.offered' && m.to === near.phone && m.text.includes(caseNo));
    return sms.length === 2 ? sms[1]!.text.split('/engineer/offers/')[1]! : undefined;
  });
  const accepted = await call('POST', path(round2, '/accept'), { as: null, body: {} });
  expect([accepted.status, accepted.body.stage, accepted.body.assignedTo]).toEqual([200, 'dispatched', near.id]);

  // The next engineer's link is refused, whatever it asks, and changes nothing.
  for (const action of ['/accept', '/decline', '']) {
    const r = action
      ? await call('POST', path(next.token, action), { as: null, body: action === '/decline' ? { reason: 'x' } : {} })
      : await call('GET', path(next.token), { as: null });
    expect([action, r.status, r.body.error.code, r.body.error.message]).toEqual([action, 409, 'offer_closed', `case ${caseNo} has gone to another engineer`]);
  }
  const detail = await caseOf(caseNo);
  expect(detail.case).toMatchObject({ stage: 'dispatched', engineer: { id: near.id } });
  const accepts = detail.timeline.filter((e: { type: string }) => e.type === 'offer.accepted');
  expect(accepts.map((e: { actor: { subject: string }; data: { round: number } }) => [e.actor.subject, e.data.round])).toEqual([[near.id, 2]]);
  // The far engineer was never offered round 2.
  expect((await gatewayOutbox()).sms.filter((m) => m.event === 'engineer.offered' && m.to === far.phone && m.text.includes(caseNo))).toHaveLength(1);
});

test('a forged, tampered or expired link is refused before its body is read, and changes nothing', async () => {
  const opened = await openCase(intakeInput({ customer }));
  const caseNo = opened.body.case.caseNo as string;
  await waitForStage(caseNo, 'offered');
  const { token } = await offerSms(caseNo, near.phone);

  const forged = `${token.split('.')[0]}.${'A'.repeat(43)}`;
  const tampered = signOfferToken(
    { secret: 'not-the-secret-0123456789', baseUrl: 'x' },
    { caseNo, engineerId: near.id, round: 1, expiresAt: new Date(Date.now() + 600_000), linkId: 'A'.repeat(22) },
  );
  const expired = signOfferToken(
    { secret: LINK_SECRET, baseUrl: 'x' },
    { caseNo, engineerId: near.id, round: 1, expiresAt: new Date(Date.now() - 1000), linkId: 'B'.repeat(22) },
  );
  const unknownRow = signOfferToken(
    { secret: LINK_SECRET, baseUrl: 'x' },
    { caseNo, engineerId: near.id, round: 1, expiresAt: new Date(Date.now() + 600_000), linkId: 'C'.repeat(22) },
  );
  const cases: Array<[string, number, string]> = [
    [forged, 401, 'invalid_link'],
    [tampered.token, 401, 'invalid_link'],
    [expired.token, 410, 'offer_lapsed'],
  ];
  for (const [t, status, code] of cases) {
    // Not JSON at all: the link is refused first (a parsed body would be 400).
    const res = await fetch(`${stackInfo().apiUrl}${path(t, '/accept')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    const body = (await res.json()) as { error: { code: string } };
    expect([res.status, body.error.code, res.headers.get('cache-control')]).toEqual([status, code, 'no-store']);
  }
  // Well signed but naming no issued link: refused once the row is looked up (after the body).
  const unknown = await call('POST', path(unknownRow.token, '/accept'), { as: null, body: {} });
  expect([unknown.status, unknown.body.error.code]).toEqual([401, 'invalid_link']);
  // A customer's case link does not open the offer routes.
  const customerLink = await call('POST', `/cases/${caseNo}/customer-link`, { as: 'agent' });
  expect((await call('GET', path(customerLink.body.token), { as: null })).status).toBe(401);

  expect((await caseOf(caseNo)).case).toMatchObject({ stage: 'offered', engineer: null });
  expect((await call('GET', path(token), { as: null })).body).toMatchObject({ open: true, engineerId: near.id });
});
