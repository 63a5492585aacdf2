// A complaint's warnings and escalations reach the people on duty: on the time-skipping
// server with the real activities, the messages go out through a real local SMTP capture
// (e-mail) and a real local HTTP server (the SMS gateway), to the supervisor and the
// manager the roster names when each threshold fires, over their preferred channel and
// in their language; the timeline names each person by id.
import { eq } from 'drizzle-orm';
import { createWebhookGateway } from '../../activities/gateways';
import { createDatabase, type Database } from '../../db/client';
import { complaintEvents } from '../../db/schema';
import type { Actor } from '../../domain';
import { complaintWorkflowId } from '../../domain/complaints';
import { complaintWorkflow } from '../../workflows';
import { COMPLAINT_UPDATES, complaintReceipt, getComplaintState } from '../../workflows/complaintDefinitions';
import { agent, startCaseTestEnv, type CaseTestEnv } from '../support/caseTestEnv';
import { testComplaintNo } from '../support/fixtures';
import { recordHistories } from '../support/historyRecorder';
import { eventually } from '../support/http';
import { addPerson, addShift } from '../support/organisation';
import { startHttpReceiver, startSmtpReceiver, type HttpReceiver, type SmtpReceiver } from '../support/receivers';
import { uniqueRegion } from '../support/roster';
import { stackInfo } from '../support/stackInfo';
import { receiverNotifications } from '../support/testNotifications';

const M = 60_000;
const TASK_QUEUE = 'complaint-routing-test';
const supervisorActor: Actor = { role: 'supervisor', subject: 'S01' };

let t: CaseTestEnv;
let db: Database;
let sms: HttpReceiver;
let smtp: SmtpReceiver;
const opened: string[] = [];

beforeAll(async () => {
  [sms, smtp] = await Promise.all([startHttpReceiver(), startSmtpReceiver()]);
  db = createDatabase(stackInfo().databaseUrl);
  const sending = receiverNotifications(db, sms.url, createWebhookGateway(), smtp.url);
  t = await startCaseTestEnv(TASK_QUEUE, (real) => ({ ...real, ...sending }));
});
afterEach(async () => {
  await recordHistories(t.env.client.workflow, opened);
  await Promise.all(
    opened.splice(0).map((id) =>
      t.env.client.workflow
        .getHandle(id)
        .executeUpdate(COMPLAINT_UPDATES.withdraw, { args: [supervisorActor, { reason: 'test over' }] })
        .catch(() => undefined),
    ),
  );
});
afterAll(async () => {
  await t?.close();
  await Promise.all([sms?.close(), smtp?.close()]);
  await db?.$client.end();
});

async function openComplaint(region: string) {
  const complaintNo = testComplaintNo();
  const handle = await t.env.client.workflow.start(complaintWorkflow, {
    taskQueue: TASK_QUEUE,
    workflowId: complaintWorkflowId(complaintNo),
    args: [
      {
        complaintNo,
        source: 'agent',
        openedBy: agent,
        intake: {
          category: 'service_attitude',
          grade: 'general',
          channel: 'phone',
          summary: '工程师态度恶劣',
          region,
          customer: { name: '张三', phone: '+86 139 0000 1111', language: 'zh-CN' },
        },
      },
    ],
  });
  opened.push(handle.workflowId);
  await handle.executeUpdate(complaintReceipt);
  return { complaintNo, handle };
}

test('the acknowledge clock’s warning and escalations are sent to the supervisor and manager on duty, named by id on the timeline', async () => {
  const region = uniqueRegion('CR');
  const sup = await addPerson(t.db, { id: `${region}-S`, name: '值班主管', roles: ['supervisor'], preferredChannel: 'email' });
  const mgr = await addPerson(t.db, { id: `${region}-M`, name: 'Duty Manager', roles: ['manager'], preferredChannel: 'sms', language: 'en' });
  await addShift(t.db, sup.id, 'supervisor', region);
  await addShift(t.db, mgr.id, 'manager', region);

  // general: acknowledge within 120 min → warning at 90, level 1 at 120, level 2 at 180.
  const { complaintNo, handle } = await openComplaint(region);
  await t.env.sleep(181 * M);
  await eventually('level 2', async () => ((await handle.query(getComplaintState)).sla.level >= 2 ? true : undefined));

  // The timeline: who each threshold named, by person id.
  const fired = await eventually('the acknowledge thresholds on the timeline', async () => {
    const rows = await t.db.select().from(complaintEvents).where(eq(complaintEvents.complaintNo, complaintNo)).orderBy(complaintEvents.seq);
    const sla = rows.filter((e) => e.type.startsWith('sla.') && (e.data as { clock?: string }).clock === 'acknowledge' && 'notified' in e.data);
    return sla.length >= 3 ? sla : undefined;
  });
  expect(fired.slice(0, 3).map((e) => [e.type, (e.data as { level: number }).level, (e.data as { notified: unknown }).notified])).toEqual([
    ['sla.warning', 0, [{ role: 'supervisor', personId: sup.id, name: '值班主管', via: 'shift', channel: 'email' }]],
    ['sla.escalated', 1, [{ role: 'supervisor', personId: sup.id, name: '值班主管', via: 'shift', channel: 'email' }]],
    ['sla.escalated', 2, [{ role: 'manager', personId: mgr.id, name: 'Duty Manager', via: 'shift', channel: 'sms' }]],
  ]);

  // The supervisor's e-mails, as the SMTP capture received them (after the owner's assignment).
  const mails = await eventually('the supervisor e-mails', async () => {
    const m = smtp.mails.filter((x) => x.subject.includes(complaintNo) && /预警|升级/.test(x.subject));
    return m.length >= 2 ? m : undefined;
  });
  expect(mails.map((m) => [m.envelopeTo, m.subject])).toEqual([
    [[sup.email], `投诉预警：${complaintNo}（general）`],
    [[sup.email], `投诉升级（第 1 级）：${complaintNo}`],
  ]);
  expect(mails[0]!.text).toContain(`投诉 ${complaintNo}（general，`);
  expect(mails[0]!.text).toContain('负责人 值班主管');
  // The manager's SMS, in English (level 2 raised the grade before it was sent).
  const texts = await eventually('the manager SMS', async () => {
    const got = sms.received.filter((r) => r.path === '/sms' && r.body?.complaintNo === complaintNo && r.body?.event === 'complaint.escalation');
    return got.length >= 1 ? got : undefined;
  });
  expect(texts.map((r) => [r.body.to, r.body.locale])).toEqual([[mgr.phone, 'en']]);
  expect(texts[0]!.body.text).toMatch(
    new RegExp(
      `^Complaint ${complaintNo} \\(serious, Received \\(受理\\)\\) missed its acknowledge deadline at .+ and is escalated to level 2; owner 值班主管\\. manager, please follow up\\.$`,
    ),
  );
});
