// One workflow per complaint (投诉闭环): received → acknowledged → investigating →
// resolution proposed → customer confirmed → callback verified → closed. The graded
// response standard runs as two durable clocks (acknowledge, resolve) that warn and
// escalate through the same ladder as case SLAs. Deterministic only: all I/O is in
// activities.
import {
  allHandlersFinished,
  condition,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import { addWorkingMs, elapsedMs, workingMsBetween, maskPhone, nextDue, pauseClock, resumeClock, stopClock, type Actor, type SlaClock, type Threshold } from '../domain';
import {
  canPerformComplaint,
  COMPLAINT_STAGE_LABELS,
  complaintTarget,
  DEFAULT_COMPLAINT_OWNER,
  isOpenComplaintStage,
  raisedGrade,
  startComplaintClock,
  type ComplaintAction,
  type ComplaintClock,
  type ComplaintEvent,
  type ComplaintStage,
  type ComplaintState,
  type ComplaintWorkflowInput,
} from '../domain/complaints';
import { FAILURE } from '../domain/failures';
import { linkOrHotline, localTime, notificationKey, WEBHOOK_SUBSCRIBERS, type NotificationChannel, type NotificationEvent, type NotificationVars } from '../domain/notifications';
import { SA } from '../domain/searchAttributes';
import { DEFAULT_SLA_POLICY } from '../domain/sla';
import { complaintReceipt, COMPLAINT_UPDATES, getComplaintState } from './complaintDefinitions';
import { activities, reject } from './activities';
import { Outbox } from './outbox';
import { Alarm } from './timers';

const SYSTEM: Actor = { role: 'system', subject: 'complaintWorkflow' };
const MINUTE = 60_000;

export interface ComplaintOutcome {
  complaintNo: string;
  stage: ComplaintStage;
  closedAt?: string;
}

export async function complaintWorkflow(input: ComplaintWorkflowInput): Promise<ComplaintOutcome> {
  const now = () => new Date(Date.now()).toISOString();
  const openedAt = now();
  const { intake } = input;
  const state: ComplaintState = {
    complaintNo: input.complaintNo,
    workflowId: workflowInfo().workflowId,
    stage: 'received',
    category: intake.category,
    grade: intake.grade,
    initialGrade: intake.grade,
    channel: intake.channel,
    summary: intake.summary,
    caseNo: intake.caseNo,
    customer: intake.customer,
    source: input.source,
    trigger: input.trigger,
    owner: intake.owner ?? DEFAULT_COMPLAINT_OWNER,
    openedBy: input.openedBy,
    openedAt,
    updatedAt: openedAt,
    reopenCount: 0,
    sla: { policyVersion: 0, policy: DEFAULT_SLA_POLICY, clocks: [], results: [], breached: false, level: 0 },
    eventSeq: 0,
    recorded: false,
  };
  const contacts = { supervisorEmail: 'supervisor@casework.local', managerEmail: 'manager@casework.local', ...input.contacts };
  const outbox = new Outbox();
  const alarm = new Alarm();
  const isClosed = () => !isOpenComplaintStage(state.stage);
  /** Bumped on every change: the clock loop re-plans when it moves. */
  let epoch = 0;

  function queueMessage(occurrence: string, event: NotificationEvent, channel: NotificationChannel, recipient: string, vars: NotificationVars): void {
    const subject = `${state.complaintNo}#${occurrence}`;
    outbox.push({
      key: notificationKey(subject, event, recipient, channel),
      channel,
      recipient,
      event,
      locale: state.customer.language,
      vars: { complaintNo: state.complaintNo, ...vars },
      complaintNo: state.complaintNo,
      caseNo: state.caseNo,
    });
  }

  const customerName = () => state.customer.name ?? (state.customer.language === 'en' ? 'customer' : '客户');

  // Clocks -----------------------------------------------------------------------

  const cal = () => state.sla.policy.calendar;
  const running = () => state.sla.clocks.filter((c) => c.stoppedAt === undefined);
  const runningClock = (name: ComplaintClock) => running().find((c) => c.clock === name);

  function startClock(name: ComplaintClock, at: number): void {
    const cycle = state.sla.clocks.filter((c) => c.clock === name).length;
    state.sla.clocks.push(startComplaintClock(name, cycle, at, state.grade, state.sla.policy));
  }

  function stop(name: ComplaintClock, at: number): void {
    const c = runningClock(name);
    if (c) state.sla.results.push(stopClock(c, at, cal()));
  }

  /** A grade change moves the targets; elapsed and paused time stay. */
  function retarget(): void {
    for (const c of running()) c.targetMs = complaintTarget(state.sla.policy, state.grade, c.clock).targetMs;
  }

  /** When a clock is due if it runs on from now (a paused clock's pause so far excluded). */
  function dueAt(c: SlaClock<ComplaintClock>, at: number): string {
    const pausing = c.pausedSince !== undefined ? workingMsBetween(c.pausedSince, at, c.mode, cal()) : 0;
    return new Date(addWorkingMs(c.startedAt, c.targetMs + c.pausedMs + pausing, c.mode, cal())).toISOString();
  }

  function onStage(from: ComplaintStage, to: ComplaintStage, at: number): void {
    if (to === 'acknowledged') stop('acknowledge', at);
    // Waiting on the customer's answer does not count against the resolve target.
    if (to === 'resolution_proposed') {
      const c = runningClock('resolve');
      if (c) pauseClock(c, at);
    }
    if (from === 'resolution_proposed' && to === 'investigating') {
      const c = runningClock('resolve');
      if (c) resumeClock(c, at, cal());
    }
    if (to === 'customer_confirmed') stop('resolve', at);
    if (to === 'withdrawn') for (const c of running()) c.stoppedAt = at; // abandoned, not counted
  }

  function refreshDeadlines(at: number): void {
    const ack = runningClock('acknowledge');
    const resolve = runningClock('resolve');
    if (ack) state.acknowledgeBy = dueAt(ack, at);
    if (resolve) state.resolveBy = dueAt(resolve, at);
    const next = nextThreshold();
    state.sla.nextDeadline = next ? new Date(next.at).toISOString() : undefined;
  }

  /** The earliest unfired threshold over the running clocks. */
  function nextThreshold(): { clock: SlaClock<ComplaintClock>; threshold: Threshold; at: number } | undefined {
    let next: { clock: SlaClock<ComplaintClock>; threshold: Threshold; at: number } | undefined;
    for (const c of running()) {
      const due = nextDue(c, state.sla.policy);
      if (due && (!next || due.at < next.at)) next = { clock: c, ...due };
    }
    return next;
  }

  // State changes -----------------------------------------------------------------

  async function advance(actor: Actor, type: string, data: Record<string, unknown>, change: (s: ComplaintState) => ComplaintStage | void = () => undefined): Promise<ComplaintState> {
    const fromStage = state.stage;
    const to = change(state);
    const at = Date.now();
    if (to && to !== state.stage) {
      onStage(state.stage, to, at);
      state.stage = to;
    }
    state.updatedAt = new Date(at).toISOString();
    if (isClosed()) state.closedAt = state.updatedAt;
    refreshDeadlines(at);
    epoch++;
    const event: ComplaintEvent = { seq: ++state.eventSeq, runId: workflowInfo().runId, type, fromStage, toStage: state.stage, actor, data, occurredAt: state.updatedAt };
    publishForOps();
    await activities.recordComplaintEvent(snapshot(), event);
    return state;
  }

  function snapshot(): ComplaintState {
    return JSON.parse(JSON.stringify(state)) as ComplaintState;
  }

  function publishForOps(): void {
    upsertSearchAttributes([
      { key: SA.ComplaintStage, value: state.stage },
      { key: SA.ComplaintGrade, value: state.grade },
      { key: SA.SlaBreached, value: state.sla.breached },
      { key: SA.EscalationLevel, value: state.sla.level },
      { key: SA.NextDeadline, value: state.sla.nextDeadline ? new Date(state.sla.nextDeadline) : null },
    ]);
    const lines = [
      `**${state.complaintNo}** · ${state.grade} · ${state.category} · ${COMPLAINT_STAGE_LABELS[state.stage]}`,
      `Customer: ${state.customer.name ?? ''} (${maskPhone(state.customer.phone)})`.replace('  ', ' '),
      `Case: ${state.caseNo ?? '— (standalone)'} · Owner: ${state.owner}${state.source === 'auto' ? ` · automatic (${state.trigger?.kind})` : ''}`,
    ];
    if (state.acknowledgeBy && !state.acknowledgedAt) lines.push(`Acknowledge by: ${state.acknowledgeBy}`);
    if (state.resolveBy && !state.resolvedAt) lines.push(`Resolve by: ${state.resolveBy}`);
    if (state.reopenCount) lines.push(`Re-opened ${state.reopenCount}× (grade was ${state.initialGrade})`);
    if (state.sla.breached) lines.push(`Response standard breached · escalation level ${state.sla.level}`);
    setCurrentDetails(lines.join('\n\n'));
  }

  /** The customer is not satisfied: back to investigation, one grade more severe. */
  function reopen(s: ComplaintState, at: number): ComplaintStage {
    s.reopenCount += 1;
    s.grade = raisedGrade(s.grade);
    s.resolution = undefined;
    s.resolvedAt = undefined;
    s.callback = undefined;
    if (!runningClock('resolve')) startClock('resolve', at);
    retarget();
    return 'investigating';
  }

  // Escalation ---------------------------------------------------------------------

  async function fire(c: SlaClock<ComplaintClock>, t: Threshold, due: number): Promise<void> {
    c.fired.push(t.key);
    const raise = t.actions.includes('raise_priority') && state.grade !== 'critical';
    const fromGrade = state.grade;
    await advance(SYSTEM, t.kind === 'warning' ? 'sla.warning' : 'sla.escalated', {
      clock: c.clock,
      cycle: c.cycle,
      level: t.level,
      actions: t.actions,
      targetMinutes: c.targetMs / MINUTE,
      elapsedMinutes: Math.round(elapsedMs(c, Date.now(), cal()) / MINUTE),
      dueAt: new Date(due).toISOString(),
      ...(raise ? { grade: { from: fromGrade, to: raisedGrade(fromGrade) } } : {}),
    }, (s) => {
      if (t.kind === 'escalation') {
        s.sla.breached = true;
        s.sla.level = Math.max(s.sla.level, t.level);
      }
      if (raise) {
        s.grade = raisedGrade(s.grade);
        retarget();
      }
    });
    await activities.recordSlaThreshold({
      caseNo: state.complaintNo,
      workflowId: state.workflowId,
      clock: `complaint.${c.clock}`,
      cycle: c.cycle,
      kind: t.kind,
      level: t.level,
      actions: t.actions,
      stage: state.stage,
      targetMinutes: c.targetMs / MINUTE,
      dueAt: new Date(due).toISOString(),
      firedAt: now(),
    });
    // The clock's own deadline (100% of the target), whichever threshold fired.
    const deadline = addWorkingMs(c.startedAt, c.targetMs + c.pausedMs, c.mode, cal());
    const vars = { grade: state.grade, stage: COMPLAINT_STAGE_LABELS[state.stage], clock: c.clock, deadline: localTime(deadline, cal().utcOffsetMinutes), owner: state.owner, level: t.level };
    const occurrence = `sla-${c.clock}-${c.cycle}-${t.key}`;
    if (t.kind === 'warning') queueMessage(occurrence, 'complaint.warning', 'email', contacts.supervisorEmail, vars);
    if (t.actions.includes('notify_supervisor')) queueMessage(occurrence, 'complaint.escalation', 'email', contacts.supervisorEmail, { ...vars, role: 'supervisor' });
    if (t.actions.includes('notify_manager')) queueMessage(occurrence, 'complaint.escalation', 'email', contacts.managerEmail, { ...vars, role: 'manager' });
    if (t.kind === 'escalation') queueMessage(occurrence, 'complaint.escalation', 'webhook', WEBHOOK_SUBSCRIBERS, { ...vars, role: 'ops' });
    if (t.actions.includes('ops_action') || t.actions.includes('force_redispatch')) {
      // Nothing to take back automatically on a complaint: management must act.
      await advance(SYSTEM, 'sla.ops_action_required', { clock: c.clock, cycle: c.cycle, level: t.level, stage: state.stage });
    }
  }

  /** Fires each warning and level once, when it falls due, until the complaint closes. */
  async function runClocks(): Promise<void> {
    for (;;) {
      if (isClosed()) return;
      const next = nextThreshold();
      if (next && next.at <= Date.now()) {
        await fire(next.clock, next.threshold, next.at);
        continue;
      }
      const seen = epoch;
      await alarm.wait(next?.at, () => epoch !== seen || isClosed());
    }
  }

  // Actions ------------------------------------------------------------------------

  function on(action: ComplaintAction, handle: (actor: Actor, body: never) => Promise<ComplaintState>): void {
    const def = COMPLAINT_UPDATES[action] as unknown as UpdateDefinition<ComplaintState, [Actor, never]>;
    setHandler(def, handle, {
      validator: (_actor: Actor, _body: never) => {
        if (!canPerformComplaint(action, state.stage)) {
          reject(FAILURE.illegalTransition, `cannot ${action} a complaint in stage '${state.stage}'`, { currentStage: state.stage });
        }
      },
    });
  }

  setHandler(getComplaintState, () => state);
  setHandler(complaintReceipt, async () => {
    await condition(() => state.recorded);
    return state;
  });

  on('acknowledge', (actor, body: { note?: string; category?: ComplaintState['category'] }) =>
    advance(actor, 'complaint.acknowledged', { note: body.note, ...(body.category && body.category !== state.category ? { category: { from: state.category, to: body.category } } : {}) }, (s) => {
      s.acknowledgedAt = now();
      if (body.category) s.category = body.category;
      return 'acknowledged';
    }),
  );

  on('investigate', (actor, body: { note?: string }) => advance(actor, 'complaint.investigating', { note: body.note }, () => 'investigating'));

  on('proposeResolution', async (actor, body: { resolution: string; compensation?: { amount: number; currency: string } }) => {
    await advance(actor, 'complaint.resolution_proposed', { resolution: body.resolution, compensation: body.compensation, round: state.reopenCount + 1 }, (s) => {
      s.resolution = { text: body.resolution, compensation: body.compensation, proposedAt: now(), by: actor };
      return 'resolution_proposed';
    });
    const compensation = body.compensation ? ` (${body.compensation.amount} ${body.compensation.currency})` : '';
    queueMessage(`resolution-${state.eventSeq}`, 'complaint.resolution_proposed', 'sms', state.customer.phone, {
      resolution: `${body.resolution}${compensation}`,
      // Signed by an activity (the workflow holds no secret); the customer answers through it.
      link: linkOrHotline(await activities.issueCustomerLink({ subjectNo: state.complaintNo }), state.customer.language),
    });
    return state;
  });

  on('recordDecision', (actor, body: { accepted: boolean; comment?: string }) => {
    if (body.accepted) {
      return advance(actor, 'complaint.customer_confirmed', { comment: body.comment }, (s) => {
        s.resolvedAt = now();
        return 'customer_confirmed';
      });
    }
    return advance(actor, 'complaint.reopened', { reason: 'resolution_rejected', comment: body.comment, grade: { from: state.grade, to: raisedGrade(state.grade) }, reopen: state.reopenCount + 1 }, (s) =>
      reopen(s, Date.now()),
    );
  });

  on('verifyCallback', (actor, body: { satisfied: boolean; note?: string }) => {
    if (body.satisfied) {
      return advance(actor, 'complaint.callback_verified', { note: body.note }, (s) => {
        s.callback = { satisfied: true, note: body.note, at: now(), by: actor };
        return 'callback_verified';
      });
    }
    return advance(actor, 'complaint.reopened', { reason: 'callback_unsatisfied', note: body.note, grade: { from: state.grade, to: raisedGrade(state.grade) }, reopen: state.reopenCount + 1 }, (s) =>
      reopen(s, Date.now()),
    );
  });

  on('close', async (actor, body: { rootCause: string; responsibility: string; summary?: string }) => {
    await advance(actor, 'complaint.closed', { ...body }, (s) => {
      s.closing = { ...body, at: now(), by: actor };
      return 'closed';
    });
    // Closing the loop with the customer too (the outbox drains before the workflow ends).
    queueMessage('closed', 'complaint.closed', 'sms', state.customer.phone, { customerName: customerName() });
    return state;
  });

  on('reassign', (actor, body: { owner: string; reason?: string }) =>
    advance(actor, 'complaint.reassigned', { from: state.owner, to: body.owner, reason: body.reason }, (s) => {
      s.owner = body.owner;
    }),
  );

  on('addNote', (actor, body: { note: string }) => advance(actor, 'complaint.note', { note: body.note }));

  on('withdraw', (actor, body: { reason: string }) =>
    advance(actor, 'complaint.withdrawn', { reason: body.reason }, (s) => {
      s.withdrawal = { reason: body.reason, at: now(), by: actor };
      return 'withdrawn';
    }),
  );

  // Start --------------------------------------------------------------------------

  // The complaint keeps the response standard in force when it is opened.
  const policy = await activities.loadSlaPolicy();
  state.sla.policyVersion = policy.version;
  state.sla.policy = policy.policy;
  const at = Date.parse(openedAt);
  startClock('acknowledge', at);
  startClock('resolve', at);
  refreshDeadlines(at);
  state.eventSeq = 1;
  publishForOps();
  await activities.recordComplaintEvent(snapshot(), {
    seq: 1,
    runId: workflowInfo().runId,
    type: 'complaint.opened',
    fromStage: null,
    toStage: 'received',
    actor: input.openedBy,
    data: { channel: state.channel, category: state.category, grade: state.grade, owner: state.owner, source: state.source, trigger: state.trigger, caseNo: state.caseNo, idempotencyKey: input.idempotencyKey },
    occurredAt: openedAt,
  });
  state.recorded = true;
  const acknowledgeBy = localTime(state.acknowledgeBy!, cal().utcOffsetMinutes);
  queueMessage('opened', 'complaint.opened', 'sms', state.customer.phone, { customerName: customerName(), acknowledgeBy });
  queueMessage('opened', 'complaint.opened', 'webhook', WEBHOOK_SUBSCRIBERS, { customerName: customerName(), acknowledgeBy });

  await Promise.all([runClocks(), outbox.run(isClosed)]);
  await condition(allHandlersFinished);
  return { complaintNo: state.complaintNo, stage: state.stage, closedAt: state.closedAt };
}
