// Least privilege for engineers: the case they hold shows what their visit needs, not how
// dispatch chose (the ranking, the rival engineer it first offered the case to, scores),
// nor the live workflow state, complaints, the customer's tier or who opened it. The
// expected fields are written out by hand for each view.
import { futureSlot, intakeInput } from '../support/fixtures';
import { call, openCase, waitForStage } from '../support/http';
import { uniqueRegion } from '../support/roster';

const region = uniqueRegion('EV');
const rival = { id: `${region}-R`, name: '竞争者赵', badgeNo: 'BADGE-RIVAL' };

const ENGINEER_CASE_FIELDS = [
  'appointment',
  'attachments',
  'caseNo',
  'checkOut',
  'closedAt',
  'contact',
  'createdAt',
  'customer',
  'diagnosis',
  'engineer',
  'faultDescription',
  'noShows',
  'offer',
  'partsUsed',
  'preferredWindows',
  'priority',
  'product',
  'quote',
  'reschedules',
  'reworks',
  'stage',
  'updatedAt',
  'visitOutcome',
  'visits',
];
const HIDDEN_FROM_ENGINEERS = ['channel', 'metrics', 'confirmation', 'cancelReason', 'openedBy'];

let caseNo: string;

beforeAll(async () => {
  const r = await call('POST', '/engineers', {
    as: 'admin',
    body: {
      ...rival,
      skills: [{ category: 'air_conditioner', level: 3 }],
      regions: [region],
      home: { lat: 31.231, lng: 121.475 },
      rating: 4.9,
      workingHours: { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' },
    },
  });
  expect(r.status).toBe(201);
  // Dispatch ranks the rival and offers it the case; a dispatcher gives it to E001 instead.
  const opened = await openCase(intakeInput({ customer: { ...intakeInput().customer, region, tier: 'vip' } }));
  caseNo = opened.body.case.caseNo;
  await waitForStage(caseNo, 'offered');
  expect((await call('POST', `/cases/${caseNo}/assign`, { as: 'dispatcher', body: { engineerId: 'E001' } })).status).toBe(200);
  expect((await call('POST', `/cases/${caseNo}/contact`, { as: 'engineerE001', body: { confirmedAddress: '世纪大道100号', diagnosis: '待查' } })).status).toBe(
    200,
  );
});

test('a supervisor sees the whole case: live state, ranking, the rival, complaints', async () => {
  const r = await call('GET', `/cases/${caseNo}`, { as: 'supervisor' });
  expect(r.status).toBe(200);
  expect(Object.keys(r.body).sort()).toEqual(['case', 'complaints', 'live', 'liveSource', 'timeline']);
  expect(Object.keys(r.body.case).sort()).toEqual([...ENGINEER_CASE_FIELDS, ...HIDDEN_FROM_ENGINEERS].sort());
  expect(r.body.case.customer.tier).toBe('vip');
  const types = r.body.timeline.map((e: { type: string }) => e.type);
  expect(types).toEqual(['case.opened', 'dispatch.ranked', 'offer.sent', 'engineer.assigned', 'contact.recorded']);
  expect(JSON.stringify(r.body)).toContain(rival.name);
});

test('the engineer sees their visit only: hand-written fields, their own steps, nothing about the rival', async () => {
  const r = await call('GET', `/cases/${caseNo}`, { as: 'engineerE001' });
  expect(r.status).toBe(200);
  expect(Object.keys(r.body).sort()).toEqual(['case', 'timeline']);
  expect(Object.keys(r.body.case).sort()).toEqual(ENGINEER_CASE_FIELDS);
  expect(Object.keys(r.body.case.customer).sort()).toEqual(['address', 'language', 'lat', 'lng', 'name', 'phone', 'region']);
  expect(r.body.case).toMatchObject({ caseNo, stage: 'contacted', engineer: { id: 'E001', name: '李工' }, offer: null });
  expect(r.body.timeline.map((e: { type: string }) => e.type)).toEqual(['case.opened', 'engineer.assigned', 'contact.recorded']);
  expect(Object.keys(r.body.timeline[0]).sort()).toEqual(['fromStage', 'occurredAt', 'toStage', 'type']);
  const text = JSON.stringify(r.body);
  for (const leak of [rival.id, rival.name, rival.badgeNo, 'score', 'weights', 'filteredOut', 'vip'])
    expect({ leak, found: text.includes(leak) }).toEqual({ leak, found: false });
});

test('the same view in the engineer’s list and in the answer to their moves', async () => {
  const list = await call('GET', `/cases?limit=100`, { as: 'engineerE001' });
  expect(list.status).toBe(200);
  const mine = list.body.items.find((c: { caseNo: string }) => c.caseNo === caseNo);
  expect(Object.keys(mine).sort()).toEqual(ENGINEER_CASE_FIELDS);
  const booked = await call('POST', `/cases/${caseNo}/appointment`, { as: 'engineerE001', body: futureSlot() });
  expect(booked.status).toBe(200);
  expect(Object.keys(booked.body.case).sort()).toEqual(ENGINEER_CASE_FIELDS);
  expect(booked.body.case.stage).toBe('scheduled');
  // A dispatcher's answer to a move keeps the full view.
  const agentList = await call('GET', `/cases?limit=5&region=${region}`, { as: 'agent' });
  expect(Object.keys(agentList.body.items[0]).sort()).toEqual([...ENGINEER_CASE_FIELDS, ...HIDDEN_FROM_ENGINEERS].sort());
});

test('OpenAPI documents the engineer’s view as its own schema, per operation', async () => {
  const doc = (await call('GET', '/openapi.json', { as: null })).body;
  const schemas = doc.components.schemas;
  expect(schemas.EngineerCaseDetail).toMatchObject({ additionalProperties: false, required: ['case', 'timeline'] });
  expect(Object.keys(schemas.EngineerCase.properties).sort()).toEqual(ENGINEER_CASE_FIELDS);
  const refs = (op: { responses: Record<string, { content: Record<string, { schema: { anyOf?: Array<{ $ref: string }> } }> }> }) =>
    op.responses['200']!.content['application/json']!.schema.anyOf?.map((s) => s.$ref.split('/').pop());
  expect(refs(doc.paths['/cases/{caseNo}'].get)).toEqual(['CaseDetail', 'EngineerCaseDetail']);
  expect(refs(doc.paths['/cases'].get)).toEqual(['CasePage', 'EngineerCasePage']);
  expect(refs(doc.paths['/cases/{caseNo}/appointment'].post)).toEqual(['CaseEnvelope', 'EngineerCaseEnvelope']);
  // Moves engineers cannot make answer with the full view only.
  expect(doc.paths['/cases/{caseNo}/cancel'].post.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/CaseEnvelope');
});
