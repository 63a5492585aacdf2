// A booking must fit the engineer's working hours and the customer's preferred windows,
// end to end: HTTP → API → Temporal dev server → worker (the roster read at booking
// time) → 409 with a machine-readable code; a dispatcher's override is booked and its
// reason is on the timeline, an engineer's is refused.
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { insertApiKey } from '../support/apiKeyRows';
import { intakeInput } from '../support/fixtures';
import { call, openCase, waitForStage } from '../support/http';
import { uniqueRegion } from '../support/roster';
import { stackInfo } from '../support/stackInfo';

const region = uniqueRegion('HRS');
const engineerId = `${region}-X`;
const engineerKey = `test-${randomBytes(12).toString('hex')}`;
// A day far ahead (the engineer is this suite's own: no other booking overlaps).
const day = `2031-${String(1 + (Date.now() % 12)).padStart(2, '0')}-15`;
const local = (hm: string) => `${day}T${hm}:00+08:00`;
let pool: Pool;

beforeAll(async () => {
  pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 1 });
  const created = await call('POST', '/engineers', {
    as: 'admin',
    // No skills: automatic dispatch leaves the case to a dispatcher.
    body: {
      id: engineerId,
      name: '钱时',
      badgeNo: 'B-HRS',
      skills: [],
      regions: [region],
      workingHours: { days: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '20:00' },
    },
  });
  expect(created.status).toBe(201);
  await insertApiKey(pool, { key: engineerKey, role: 'engineer', subject: engineerId, label: `test:${engineerId}` });
});
afterAll(() => pool.end());

test('outside the hours or the windows: 409 with its code; an engineer may not override, a dispatcher may, recorded', async () => {
  const opened = await openCase(
    intakeInput({ customer: { ...intakeInput().customer, region }, preferredWindows: [{ start: local('09:00'), end: local('12:00') }] }),
  );
  expect(opened.status).toBe(201);
  const caseNo = opened.body.case.caseNo as string;
  await waitForStage(caseNo, 'manual_dispatch');
  expect((await call('POST', `/cases/${caseNo}/assign`, { as: 'dispatcher', body: { engineerId } })).status).toBe(200);
  const contact = { confirmedAddress: '世纪大道100号', diagnosis: '疑似电容故障', partsToBring: [] };
  expect((await call('POST', `/cases/${caseNo}/contact`, { key: engineerKey, body: contact })).status).toBe(200);
  const appointment = `/cases/${caseNo}/appointment`;

  const late = await call('POST', appointment, { key: engineerKey, body: { start: local('19:30'), end: local('20:30') } });
  expect([late.status, late.body.error.code, late.body.error.currentStage]).toEqual([409, 'outside_engineer_hours', 'contacted']);
  expect(late.body.error.message).toContain('working hours (08:00-20:00 every day, UTC+8)');
  const afternoon = await call('POST', appointment, { key: engineerKey, body: { start: local('14:00'), end: local('15:00') } });
  expect([afternoon.status, afternoon.body.error.code]).toEqual([409, 'outside_preferred_windows']);
  expect(afternoon.body.error.message).toContain("outside the customer's preferred windows");
  const engineerOverride = await call('POST', appointment, {
    key: engineerKey,
    body: { start: local('14:00'), end: local('15:00'), override: { reason: '我下午有空' } },
  });
  expect([engineerOverride.status, engineerOverride.body.error.code]).toEqual([403, 'forbidden']);
  const empty = await call('POST', appointment, { as: 'dispatcher', body: { start: local('14:00'), end: local('15:00'), override: {} } });
  expect([empty.status, empty.body.error.fields]).toEqual([400, [expect.objectContaining({ path: 'body.override.reason' })]]);

  const overridden = await call('POST', appointment, {
    as: 'dispatcher',
    body: { start: local('14:00'), end: local('15:00'), override: { reason: '客户来电改约下午' } },
  });
  expect([overridden.status, overridden.body.case.stage]).toEqual([200, 'scheduled']);
  const detail = (await call('GET', `/cases/${caseNo}`, { as: 'supervisor' })).body;
  const booked = detail.timeline.find((e: { type: string }) => e.type === 'appointment.booked');
  expect(booked.actor).toMatchObject({ role: 'dispatcher' });
  expect(booked.data.override).toEqual({ reason: '客户来电改约下午', overrode: 'outside_preferred_windows', rule: expect.any(String) });
});
