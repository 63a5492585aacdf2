// The complaint as its workflow holds it: the state, the one way it changes (`advance`:
// apply the change, move the clocks, project it to PostgreSQL with its timeline event,
// publish it for ops), its graded response clocks wired to the complaint (recorded
// thresholds, warnings and escalations to the people on duty: older runs to the contacts
// they were opened with, for what fired before they were routed too), and (with
// WorkflowCore) parking activities and the outbox. The actions (complaintActions.ts) register on it. Deterministic.
import { patched, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import { addWorkingMs, maskPhone, type Actor, type SlaClock, type Threshold } from '../domain';
import {
  canPerformComplaint,
  COMPLAINT_STAGE_LABELS,
  complaintPolicyOf,
  complaintSettingsFrom,
  DEFAULT_COMPLAINT_OWNER,
  isOpenComplaintStage,
  type ComplaintAction,
  type ComplaintClock,
  type ComplaintEvent,
  type ComplaintStage,
  type ComplaintState,
  type ComplaintWorkflowInput,
} from '../domain/complaints';
import { messagePersonId, type RoutedPerson } from '../domain/duty';
import { FAILURE } from '../domain/failures';
import {
  localTime,
  notificationKey,
  WEBHOOK_SUBSCRIBERS,
  type NotificationChannel,
  type NotificationEvent,
  type NotificationLocale,
  type NotificationVars,
} from '../domain/notifications';
import { SA } from '../domain/searchAttributes';
import { DEFAULT_SLA_POLICY, type SlaPolicy } from '../domain/sla';
import { reject } from './activities';
import { complaintReceipt, COMPLAINT_UPDATES, getComplaintState } from './complaintDefinitions';
import { ComplaintSlaClocks } from './complaintSla';
import { DUTY_ROUTING_PATCH, routesToDuty, routeThreshold } from './dutyRouting';
import { WorkflowCore } from './workflowCore';

export const COMPLAINT_SYSTEM: Actor = { role: 'system', subject: 'complaintWorkflow' };
const MINUTE = 60_000;

export const now = () => new Date(Date.now()).toISOString();

function initialState(input: ComplaintWorkflowInput, openedAt: string): ComplaintState {
  const { intake } = input;
  return {
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
    region: intake.region,
    // New runs route the owner, warnings and escalations to people (see caseCore).
    settings: complaintSettingsFrom(input, patched(DUTY_ROUTING_PATCH)),
  };
}

/** The update handler of an action: the actor and body in, the new state out. */
export type ComplaintHandler<B> = (actor: Actor, body: B) => Promise<ComplaintState>;

export class ComplaintCore extends WorkflowCore<ComplaintState> {
  readonly sla: ComplaintSlaClocks;

  constructor(readonly input: ComplaintWorkflowInput) {
    super(initialState(input, now()), 'complaint.resumed');
    this.sla = new ComplaintSlaClocks({
      state: this.state,
      advance: (type, data, change) => this.advance(COMPLAINT_SYSTEM, type, data, change),
      recordThreshold: (c, t, due) => this.recordThreshold(c, t, due),
      // Runs opened before duty routing too, for what fires from OPEN_RUNS_ROUTING_PATCH on.
      route: (_c, t) => (routesToDuty(this.state.settings) ? routeThreshold(this.activities, t, this.state.region) : undefined),
      notify: (c, t, _dueAt, routed) => this.notifyLapse(c, t, routed),
      isClosed: () => this.isClosed(),
    });
  }

  /** The query and the intake receipt. */
  setup(): void {
    this.registerQueries(getComplaintState, complaintReceipt);
  }

  override isClosed(): boolean {
    return !isOpenComplaintStage(this.state.stage);
  }

  customerName(): string {
    return this.state.customer.name ?? (this.state.customer.language === 'en' ? 'customer' : '客户');
  }

  // State changes --------------------------------------------------------------------

  override async advance(
    actor: Actor,
    type: string,
    data: Record<string, unknown>,
    change: (s: ComplaintState) => ComplaintStage | void = () => undefined,
  ): Promise<ComplaintState> {
    const state = this.state;
    const fromStage = state.stage;
    const to = change(state);
    const at = Date.now();
    if (to && to !== state.stage) {
      this.sla.onStage(state.stage, to, at);
      state.stage = to;
    }
    state.updatedAt = new Date(at).toISOString();
    if (this.isClosed()) state.closedAt = state.updatedAt;
    this.sla.refreshDeadlines(at);
    this.sla.touch();
    const event: ComplaintEvent = this.timelineEvent(type, fromStage, actor, data);
    this.publish();
    await this.activities.recordComplaintEvent(this.snapshot(), event);
    return state;
  }

  protected override publish(): void {
    const state = this.state;
    upsertSearchAttributes([
      { key: SA.ComplaintStage, value: state.stage },
      { key: SA.ComplaintGrade, value: state.grade },
      { key: SA.SlaBreached, value: state.sla.breached },
      { key: SA.EscalationLevel, value: state.sla.level },
      { key: SA.NextDeadline, value: state.sla.nextDeadline ? new Date(state.sla.nextDeadline) : null },
    ]);
    const lines = [
      `**${state.complaintNo}** · ${state.grade} · ${state.category} · ${COMPLAINT_STAGE_LABELS[state.stage]}`,
      `Customer: ${maskPhone(state.customer.phone)}`,
      `Case: ${state.caseNo ?? '— (standalone)'} · Owner: ${state.ownerName ?? state.owner}${state.source === 'auto' ? ` · automatic (${state.trigger?.kind})` : ''}`,
    ];
    if (state.acknowledgeBy && !state.acknowledgedAt) lines.push(`Acknowledge by: ${state.acknowledgeBy}`);
    if (state.resolveBy && !state.resolvedAt) lines.push(`Resolve by: ${state.resolveBy}`);
    if (state.reopenCount) lines.push(`Re-opened ${state.reopenCount}× (grade was ${state.initialGrade})`);
    if (state.sla.breached) lines.push(`Response standard breached · escalation level ${state.sla.level}`);
    setCurrentDetails(lines.join('\n\n'));
  }

  /**
   * Start, once the SLA policy in force is loaded (the complaint keeps that version and
   * its response standard): both clocks, and the intake as the first timeline event,
   * whose write is returned (its caller awaits it, then marks the intake recorded).
   */
  recordOpening(slaPolicy: { version: number; policy: SlaPolicy }): Promise<unknown> {
    const state = this.state;
    state.sla.policyVersion = slaPolicy.version;
    // A version saved before complaints had a standard of their own gets today's, kept with the complaint.
    state.sla.policy = { ...slaPolicy.policy, complaints: complaintPolicyOf(slaPolicy.policy) };
    const at = Date.parse(state.openedAt);
    this.sla.start('acknowledge', at);
    this.sla.start('resolve', at);
    this.sla.refreshDeadlines(at);
    state.eventSeq = 1;
    this.publish();
    return this.activities.recordComplaintEvent(this.snapshot(), {
      seq: 1,
      runId: workflowInfo().runId,
      type: 'complaint.opened',
      fromStage: null,
      toStage: 'received',
      actor: this.input.openedBy,
      data: {
        channel: state.channel,
        category: state.category,
        grade: state.grade,
        owner: state.owner,
        ...(state.ownerRouting ? { ownerName: state.ownerName, ownerRouting: state.ownerRouting } : {}),
        source: state.source,
        trigger: state.trigger,
        caseNo: state.caseNo,
        idempotencyKey: this.input.idempotencyKey,
      },
      occurredAt: state.openedAt,
    });
  }

  // Actions ---------------------------------------------------------------------------

  /** Registers the update of an action, refused in a stage that does not allow it. */
  on<B>(action: ComplaintAction, handle: ComplaintHandler<B>): void {
    const def = COMPLAINT_UPDATES[action] as unknown as UpdateDefinition<ComplaintState, [Actor, B]>;
    setHandler(def, handle, {
      validator: (_actor: Actor, _body: B) => {
        if (!canPerformComplaint(action, this.state.stage)) {
          reject(FAILURE.illegalTransition, `cannot ${action} a complaint in stage '${this.state.stage}'`, { currentStage: this.state.stage });
        }
      },
    });
  }

  // Messages and escalation -----------------------------------------------------------

  /** `locale`: the recipient's language (staff); default the customer's. `personId`: the staff member it is for, if known. */
  queueMessage(
    occurrence: string,
    event: NotificationEvent,
    channel: NotificationChannel,
    recipient: string,
    vars: NotificationVars,
    locale: NotificationLocale = this.state.customer.language,
    personId?: string,
  ): void {
    const state = this.state;
    const subject = `${state.complaintNo}#${occurrence}`;
    this.outbox.push({
      key: notificationKey(subject, event, recipient, channel),
      channel,
      recipient,
      event,
      locale,
      vars: { complaintNo: state.complaintNo, ...vars },
      complaintNo: state.complaintNo,
      caseNo: state.caseNo,
      ...(personId ? { personId } : {}),
    });
  }

  private recordThreshold(c: SlaClock<ComplaintClock>, t: Threshold, due: number): Promise<unknown> {
    const state = this.state;
    return this.activities.recordSlaThreshold({
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
  }

  /** A warning or escalation goes to the people on duty (older runs: the contacts it opened with), and ops. */
  private notifyLapse(c: SlaClock<ComplaintClock>, t: Threshold, routed?: RoutedPerson[]): void {
    const state = this.state;
    const cal = state.sla.policy.calendar;
    // The clock's own deadline (100% of the target), whichever threshold fired.
    const deadline = addWorkingMs(c.startedAt, c.targetMs + c.pausedMs, c.mode, cal);
    const vars = {
      grade: state.grade,
      stage: COMPLAINT_STAGE_LABELS[state.stage],
      clock: c.clock,
      deadline: localTime(deadline, cal.utcOffsetMinutes),
      owner: state.ownerName ?? state.owner,
      level: t.level,
    };
    const occurrence = `sla-${c.clock}-${c.cycle}-${t.key}`;
    const event = t.kind === 'warning' ? 'complaint.warning' : 'complaint.escalation';
    if (routed) {
      for (const p of routed) this.queueMessage(occurrence, event, p.channel, p.address, { ...vars, role: p.role }, p.language, messagePersonId(p));
    } else if (state.settings.contacts) {
      const contacts = state.settings.contacts;
      if (t.kind === 'warning') this.queueMessage(occurrence, 'complaint.warning', 'email', contacts.supervisorEmail, vars);
      if (t.actions.includes('notify_supervisor'))
        this.queueMessage(occurrence, 'complaint.escalation', 'email', contacts.supervisorEmail, { ...vars, role: 'supervisor' });
      if (t.actions.includes('notify_manager'))
        this.queueMessage(occurrence, 'complaint.escalation', 'email', contacts.managerEmail, { ...vars, role: 'manager' });
    }
    if (t.kind === 'escalation') this.queueMessage(occurrence, 'complaint.escalation', 'webhook', WEBHOOK_SUBSCRIBERS, { ...vars, role: 'ops' });
  }

  /** Tells a complaint's new owner (a routed or reassigned person) that it is theirs. */
  tellOwner(occurrence: string, person: RoutedPerson): void {
    const state = this.state;
    const acknowledgeBy = state.acknowledgeBy ? localTime(state.acknowledgeBy, state.sla.policy.calendar.utcOffsetMinutes) : '—';
    this.queueMessage(
      occurrence,
      'complaint.assigned',
      person.channel,
      person.address,
      { ownerName: person.name, grade: state.grade, summary: state.summary.slice(0, 200), acknowledgeBy },
      person.language,
      messagePersonId(person),
    );
  }
}
