// The organisation on the real stack (launcher: Temporal dev server, worker, PostgreSQL,
// local SMTP capture and SMS receiver): a P1 case nobody accepts escalates to the
// supervisor on duty in its region by e-mail and to the manager by SMS, both named on
// the timeline; a complaint reassigned tells its new owner; /me/notifications shows a
// person what they were sent, after their number changes too, and not to whoever takes
// their old number; the staff and roster API refuse bad input.
import { Pool } from 'pg';
import { storedKeyHash } from '../support/apiKeyRows';
import { DEFAULT_SLA_POLICY, type SlaPolicy } from '../../domain/sla';
import { intakeInput } from '../support/fixtures';
import { call, eventually, idempotencyKey, openCase } from '../support/http';
import { stackInfo } from '../support/stackInfo';
import { gatewayOutbox } from '../support/gatewayOutbox';

/** P1 dispatch in 3 seconds: warning 2.25 s, levels at 3, 4.5 and 6 s (this case only). */
const fast: SlaPolicy = {
  ...DEFAULT_SLA_POLICY,
  priorities: {
    ...DEFAULT_SLA_POLICY.priorities,
    P1: { calendar: '24x7', targetsMinutes: { ...DEFAULT_SLA_POLICY.priorities.P1.targetsMinutes, dispatch: 0.05 } },
  },
};

const region = `QA-ORG-${Date.now().toString(36).toUpperCase()}`;
const supervisor = {
  id: `${region}-SUP`,
  name: '王芳',
  roles: ['supervisor'],
  regions: [region],
  email: 'wang.fang@staff.example.com',
  preferredChannel: 'email',
};
const manager = { id: `${region}-MGR`, name: '赵刚', roles: ['manager'], regions: [region], phone: '+86 136 5550 1234', preferredChannel: 'sms' };
const nextOwner = { id: `${region}-SUP2`, name: '孙丽', roles: ['supervisor'], regions: [region], phone: '+86 136 5550 5678', preferredChannel: 'sms' };
const ALWAYS = { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' };
let pool: Pool;

beforeAll(async () => {
  pool = new Pool({ connectionString: stackInfo().databaseUrl, max: 2 });
  for (const p of [supervisor, manager, nextOwner]) expect((await call('POST', '/staff', { as: 'admin', body: p })).status).toBe(201);
  for (const [p, role] of [
    [supervisor, 'supervisor'],
    [manager, 'manager'],
  ] as const) {
    expect((await call('POST', '/duty/shifts', { as: 'admin', body: { personId: p.id, role, region, ...ALWAYS } })).status).toBe(201);
  }
  // One engineer serves the region and never answers the offer.
  const engineer = {
    id: `${region}-E`.slice(0, 40),
    name: '张工',
    badgeNo: 'QA-ORG-1',
    skills: [{ category: 'air_conditioner', level: 2 }],
    regions: [region],
  };
  expect(
    (await call('POST', '/engineers', { as: 'admin', body: { ...engineer, workingHours: { days: ALWAYS.days, start: '00:00', end: '00:00' } } })).status,
  ).toBe(201);
});
afterAll(() => pool?.end());

describe('a P1 case nobody accepts', () => {
  let caseNo: string;

  beforeAll(async () => {
    const put = await call('PUT', '/sla/policy', { as: 'admin', body: { policy: fast, note: 'e2e: 3 s P1 dispatch (routing)' } });
    expect(put.status).toBe(201);
    try {
      const base = intakeInput({ priority: 'P1' });
      caseNo = (await openCase({ ...base, customer: { ...base.customer, region } })).body.case.caseNo;
    } finally {
      await call('PUT', '/sla/policy', { as: 'admin', body: { policy: DEFAULT_SLA_POLICY, note: 'e2e: restore defaults' } });
    }
  });
  afterAll(async () => {
    if (caseNo) await call('POST', `/cases/${caseNo}/cancel`, { body: { reason: 'test over' } });
  });

  test('escalates to the on-duty supervisor of its region by e-mail and the manager by SMS, named on the timeline', async () => {
    const outbox = await eventually('the supervisor e-mails and the manager SMS', async () => {
      const o = await gatewayOutbox(); // the receiver's own (/dev/outbox masks recipients)
      const mails = o.emails.filter((m: { subject: string }) => m.subject.includes(caseNo));
      // SLA messages only: the customer also gets case.opened by SMS.
      const sms = o.sms.filter((m) => m.event?.startsWith('sla.') && m.text.includes(caseNo));
      return mails.length >= 2 && sms.length >= 1 ? { mails, sms } : undefined;
    });
    expect(outbox.mails.map((m: { to: string; subject: string }) => [m.to, m.subject])).toEqual([
      [supervisor.email, `SLA 预警：工单 ${caseNo}（Offered to an engineer (派单)）`],
      [supervisor.email, `SLA 升级（第 1 级）：工单 ${caseNo}`],
    ]);
    expect(outbox.sms.map((m: { to: string; event: string | null }) => [m.to, m.event])).toEqual([[manager.phone, 'sla.escalation']]);

    const timeline = (await call('GET', `/cases/${caseNo}`, { as: 'supervisor' })).body.timeline;
    const notified = timeline
      .filter((e: { type: string; data: { clock?: string } }) => e.type.startsWith('sla.') && e.data.clock === 'dispatch' && 'notified' in e.data)
      .map((e: { type: string; data: { level: number; notified: unknown } }) => [e.type, e.data.level, e.data.notified]);
    const sup = { role: 'supervisor', personId: supervisor.id, name: '王芳', via: 'shift', channel: 'email' };
    expect(notified).toEqual([
      ['sla.warning', 0, [sup]],
      ['sla.escalated', 1, [sup]],
      ['sla.escalated', 2, [{ role: 'manager', personId: manager.id, name: '赵刚', via: 'shift', channel: 'sms' }]],
    ]);
  });
});

describe('a complaint’s owner', () => {
  test('is the supervisor on duty in the case’s region; reassigned, the new owner is told by SMS and names the person', async () => {
    const base = intakeInput({ priority: 'P3' });
    const { caseNo } = (await openCase({ ...base, customer: { ...base.customer, region } })).body.case;
    try {
      const opened = await call('POST', '/complaints', {
        as: 'agent',
        headers: { 'idempotency-key': idempotencyKey() },
        body: { category: 'timeliness', grade: 'general', channel: 'phone', summary: '工程师迟迟不接单', caseNo },
      });
      expect(opened.status).toBe(201);
      const { complaintNo, owner } = opened.body.complaint;
      expect(owner).toBe(supervisor.id);

      // Not a person: refused before the workflow sees it.
      const unknown = await call('POST', `/complaints/${complaintNo}/reassign`, { as: 'supervisor', body: { owner: 'NOBODY-1', reason: '轮班' } });
      expect([unknown.status, unknown.body.error.code]).toEqual([404, 'person_not_found']);

      const moved = await call('POST', `/complaints/${complaintNo}/reassign`, { as: 'supervisor', body: { owner: nextOwner.id, reason: '轮班交接' } });
      expect([moved.status, moved.body.complaint.owner]).toEqual([200, nextOwner.id]);
      const sms = await eventually('the new owner’s SMS', async () => {
        const o = await gatewayOutbox(); // the receiver's own (/dev/outbox masks recipients)
        const found = o.sms.filter((m: { to: string; text: string }) => m.to === nextOwner.phone && m.text.includes(complaintNo));
        return found.length ? found : undefined;
      });
      expect(
        sms.map((m: { event: string | null; text: string }) => [m.event, m.text.startsWith(`孙丽，投诉 ${complaintNo}（general）已分派给您负责`)]),
      ).toEqual([['complaint.assigned', true]]);
      const timeline = (await call('GET', `/complaints/${complaintNo}`, { as: 'supervisor' })).body.timeline;
      const reassigned = timeline.find((e: { type: string }) => e.type === 'complaint.reassigned');
      expect(reassigned.data).toEqual({ from: supervisor.id, fromName: '王芳', to: nextOwner.id, toName: '孙丽', reason: '轮班交接' });

      // The new owner's own key (it belongs to their person) lists what they were sent.
      const key = `qa-person-key-${Date.now()}`;
      await pool.query(`INSERT INTO api_keys (key_hash, role, person_id, label) VALUES ($1, 'supervisor', $2, 'e2e')`, [storedKeyHash(key), nextOwner.id]);
      const mine = await call('GET', '/me/notifications?limit=5', { key });
      expect(mine.status).toBe(200);
      expect(mine.body.personId).toBe(nextOwner.id);
      expect(mine.body.items.map((n: { event: string; complaintNo: string; channel: string }) => [n.event, n.complaintNo, n.channel])).toEqual([
        ['complaint.assigned', complaintNo, 'sms'],
      ]);
      // A new number keeps what was sent before: the row names the person, not the address.
      const changed = await call('PATCH', `/staff/${nextOwner.id}`, { as: 'admin', body: { phone: '+86 136 5550 9999' } });
      expect(changed.status).toBe(200);
      const kept = await call('GET', '/me/notifications?limit=5', { key });
      expect(kept.body.items.map((n: { event: string; complaintNo: string }) => [n.event, n.complaintNo])).toEqual([['complaint.assigned', complaintNo]]);
      // Someone who takes the old number is not shown it: it was written for someone else.
      const heir = { id: `${region}-HEIR`, name: '钱明', roles: ['agent'], phone: nextOwner.phone, preferredChannel: 'sms' };
      expect((await call('POST', '/staff', { as: 'admin', body: heir })).status).toBe(201);
      const heirKey = `qa-heir-key-${Date.now()}`;
      await pool.query(`INSERT INTO api_keys (key_hash, role, person_id, label) VALUES ($1, 'agent', $2, 'e2e')`, [storedKeyHash(heirKey), heir.id]);
      const theirs = await call('GET', '/me/notifications', { key: heirKey });
      expect([theirs.status, theirs.body.personId, theirs.body.items]).toEqual([200, heir.id, []]);
      // A row naming no person (written before migration 0022) still goes by the current address.
      await pool.query(
        `INSERT INTO notifications (key, channel, recipient, event, locale, complaint_no, status, payload) VALUES ($1, 'sms', $2, 'complaint.assigned', 'zh-CN', $3, 'sent', '{"vars": {}, "text": "legacy"}')`,
        [`qa-legacy-${Date.now()}`, nextOwner.phone, complaintNo],
      );
      const legacy = await call('GET', '/me/notifications', { key: heirKey });
      expect(legacy.body.items.map((n: { event: string; text: string }) => [n.event, n.text])).toEqual([['complaint.assigned', 'legacy']]);
      const ownerNow = await call('GET', '/me/notifications?limit=5', { key });
      expect(ownerNow.body.items.map((n: { event: string; text: string }) => n.event)).toEqual(['complaint.assigned']);
      expect(ownerNow.body.items[0].text).not.toBe('legacy');

      // A move made with that key names the person on the timeline.
      const note = await call('POST', `/complaints/${complaintNo}/notes`, { key, body: { note: '已联系客户' } });
      expect(note.status).toBe(200);
      const after = (await call('GET', `/complaints/${complaintNo}`, { as: 'supervisor' })).body.timeline;
      expect(after.find((e: { type: string }) => e.type === 'complaint.note').actor).toEqual({
        role: 'supervisor',
        subject: null,
        personId: nextOwner.id,
        personName: '孙丽',
      });
      // A key without a person has no notifications of its own.
      const none = await call('GET', '/me/notifications', { as: 'supervisor' });
      expect([none.status, none.body.error.code]).toEqual([409, 'no_person']);
    } finally {
      await call('POST', `/cases/${caseNo}/cancel`, { body: { reason: 'test over' } });
    }
  });
});

describe('the staff directory and roster API', () => {
  test('on duty now: the supervisor’s shift; a person without one is not', async () => {
    const on = await call('GET', `/staff/${supervisor.id}/on-duty`, { as: 'agent' });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({
      personId: supervisor.id,
      active: true,
      onDuty: true,
      shift: { personId: supervisor.id, role: 'supervisor', region, overnight: true },
    });
    const off = await call('GET', `/staff/${nextOwner.id}/on-duty`, { as: 'agent' });
    expect([off.body.onDuty, off.body.shift]).toEqual([false, null]);
    const now = await call('GET', `/duty/now?role=manager&region=${region}`, { as: 'dispatcher' });
    expect([now.body.via, now.body.person.id]).toEqual(['shift', manager.id]);
  });

  test('bad input is 400 with the field, unknown is 404, a conflict 409; nothing written', async () => {
    const noMail = await call('POST', '/staff', { as: 'admin', body: { id: `${region}-X`, name: 'x', roles: ['agent'], preferredChannel: 'email' } });
    expect([noMail.status, noMail.body.error.fields.map((f: { path: string }) => f.path)]).toEqual([400, ['body.email']]);
    const badRole = await call('POST', '/staff', {
      as: 'admin',
      body: { id: `${region}-X`, name: 'x', roles: ['boss'], phone: '+86 1', preferredChannel: 'sms' },
    });
    expect(badRole.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['body.roles.0', 'body.phone']);
    expect((await call('GET', `/staff/${region}-X`, { as: 'admin' })).status).toBe(404);
    expect((await call('POST', '/staff', { as: 'admin', body: supervisor })).status).toBe(409);
    const wrongRole = await call('POST', '/duty/shifts', { as: 'admin', body: { personId: manager.id, role: 'supervisor', region, ...ALWAYS } });
    expect([wrongRole.status, wrongRole.body.error.code]).toEqual([409, 'role_not_held']);
    const badShift = await call('POST', '/duty/shifts', {
      as: 'admin',
      body: { personId: manager.id, role: 'manager', region, days: [8], start: '25:00', end: '08:00' },
    });
    expect(badShift.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['body.days.0', 'body.start']);
    const page = await call('GET', `/staff?region=${region}&limit=2`, { as: 'dispatcher' });
    expect([page.body.items.map((p: { id: string }) => p.id), typeof page.body.nextCursor]).toEqual([[manager.id, supervisor.id], 'string']);
    const rest = await call('GET', `/staff?region=${region}&limit=2&cursor=${page.body.nextCursor}`, { as: 'dispatcher' });
    expect(rest.body.items.map((p: { id: string }) => p.id)).toEqual([nextOwner.id]);
  });

  test('a deactivated person is off duty and cannot own a complaint', async () => {
    const id = `${region}-TMP`;
    await call('POST', '/staff', { as: 'admin', body: { id, name: '临时', roles: ['supervisor'], email: 'tmp@staff.example.com', preferredChannel: 'email' } });
    const gone = await call('DELETE', `/staff/${id}`, { as: 'admin' });
    expect([gone.status, gone.body.person.active]).toEqual([200, false]);
    const shift = await call('POST', '/duty/shifts', { as: 'admin', body: { personId: id, role: 'supervisor', region, ...ALWAYS } });
    expect([shift.status, shift.body.error.code]).toEqual([409, 'person_inactive']);
  });
});
