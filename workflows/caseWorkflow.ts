// One workflow per case: the durable owner of its stage. Deterministic only: all I/O
// happens in activities. Moves come in as Updates (validated against the stage and the
// engineer's ownership); the main loop drives what happens by itself: automatic
// dispatch with offers that time out, and the engineer's contact window.
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  setCurrentDetails,
  startChild,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import {
  addWorkingMs,
  canPerform,
  DEFAULT_DISPATCH_POLICY,
  ENGINEER_OWN_ACTIONS,
  isOpenStage,
  maskPhone,
  STAGE_LABELS,
  stageAfterCheckOut,
  SYSTEM_ACTOR,
  type Actor,
  type CaseAction,
  type CaseEvent,
  type CaseMetrics,
  type CaseState,
  type CaseWorkflowInput,
  type DispatchPolicy,
  type DispatchPolicyOverrides,
  type Stage,
} from '../domain';
import { FAILURE } from '../domain/failures';
import { SA } from '../domain/searchAttributes';
import { DEFAULT_REMINDER_POLICY, DEFAULT_SLA_POLICY, type ReminderPolicy } from '../domain';
import { linkOrHotline, localTime, notificationKey, type NotificationChannel, type NotificationEvent, type NotificationVars } from '../domain/notifications';
import { aftercareWorkflow } from './aftercareWorkflow';
import { complaintWorkflow } from './complaintWorkflow';
import { autoComplaintNo, complaintWorkflowId, LOW_RATING_THRESHOLD, type ComplaintGrade, type ComplaintTrigger } from '../domain/complaints';
import { activities, reject } from './activities';
import { Outbox } from './outbox';
import { runReminders, type DueReminder } from './caseReminders';
import { CaseSlaClocks } from './caseSla';
import { ACTION_UPDATES, getCaseState, intakeReceipt } from './definitions';

export interface CaseOutcome {
  caseNo: string;
  stage: CaseState['stage'];
  closedAt?: string;
}

const MINUTE = 60_000;

export function dispatchPolicyFrom(input?: DispatchPolicyOverrides): DispatchPolicy {
  return {
    ...DEFAULT_DISPATCH_POLICY,
    ...input,
    offerWindowMinutes: { ...DEFAULT_DISPATCH_POLICY.offerWindowMinutes, ...input?.offerWindowMinutes },
  };
}

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseOutcome> {
  const now = () => new Date(Date.now()).toISOString();
  const policy = dispatchPolicyFrom(input.policy);
  const state: CaseState = {
    caseNo: input.caseNo,
    workflowId: workflowInfo().workflowId,
    stage: 'accepted',
    priority: input.intake.priority,
    intake: input.intake,
    openedBy: input.openedBy,
    openedAt: now(),
    updatedAt: now(),
    recorded: false,
    policy,
    dispatch: { round: 0, offeredThisRound: [], excluded: [] },
    reschedules: { customer: 0, engineer: 0 },
    noShows: { customer: 0, engineer: 0 },
    visits: 0,
    partsUsed: [],
    reworks: 0,
    stageSince: now(),
    stageMs: {},
    sla: { policyVersion: 0, policy: DEFAULT_SLA_POLICY, cycle: 0, clocks: [], results: [], breached: false, level: 0 },
    remindersSent: [],
    complaints: [],
    eventSeq: 0,
  };
  const reminderPolicy: ReminderPolicy = { ...DEFAULT_REMINDER_POLICY, ...input.reminders };
  /** Messages go out from a background loop, so a gateway outage never holds up the case. */
  const outbox = new Outbox();
  function queueMessage(subject: string, event: NotificationEvent, channel: NotificationChannel, recipient: string | undefined, vars: NotificationVars): void {
    if (!recipient) return;
    outbox.push({ key: notificationKey(subject, event, recipient, channel), channel, recipient, event, locale: state.intake.customer.language, vars: { caseNo: state.caseNo, ...vars }, caseNo: state.caseNo });
  }
  const contacts = { supervisorEmail: 'supervisor@casework.local', managerEmail: 'manager@casework.local', ...input.contacts };
  const isClosed = () => !isOpenStage(state.stage);
  const slaClocks = new CaseSlaClocks({
    state,
    advance: (type, data, change) => advance(SYSTEM_ACTOR, type, data, change),
    recordThreshold: (c, t, dueAt) =>
      activities.recordSlaThreshold({
        caseNo: state.caseNo,
        workflowId: state.workflowId,
        clock: c.clock,
        cycle: c.cycle,
        kind: t.kind,
        level: t.level,
        actions: t.actions,
        stage: state.stage,
        targetMinutes: c.targetMs / MINUTE,
        dueAt: new Date(dueAt).toISOString(),
        firedAt: now(),
      }),
    recordResult: (r) =>
      activities.recordSlaResult({ ...r, caseNo: state.caseNo, workflowId: state.workflowId, priority: state.priority, policyVersion: state.sla.policyVersion, stoppedAt: now() }),
    notify: (c, t) => {
      // The clock's own deadline (100% of the target), whichever threshold fired.
      const deadline = addWorkingMs(c.startedAt, c.targetMs + c.pausedMs, c.mode, state.sla.policy.calendar);
      const vars = { stage: STAGE_LABELS[state.stage], deadline: localTime(deadline, state.sla.policy.calendar.utcOffsetMinutes), level: t.level };
      const subject = `${state.caseNo}#sla-${c.clock}-${c.cycle}-${t.key}`;
      if (t.kind === 'warning') queueMessage(subject, 'sla.warning', 'email', contacts.supervisorEmail, vars);
      if (t.actions.includes('notify_supervisor')) queueMessage(subject, 'sla.escalation', 'email', contacts.supervisorEmail, { ...vars, role: 'supervisor' });
      if (t.actions.includes('notify_manager')) queueMessage(subject, 'sla.escalation', 'email', contacts.managerEmail, { ...vars, role: 'manager' });
      if (t.kind === 'escalation') queueMessage(subject, 'sla.escalation', 'webhook', '*', { ...vars, role: 'ops' });
    },
    forceRedispatch: (clock) => takeFromEngineer(`SLA ${clock} level-3 escalation`),
    isClosed,
  });
  /** Bumped on every change: the main loop sleeps until it moves. */
  let epoch = 0;
  let bookingSeq = 0;

  setHandler(getCaseState, () => state);
  setHandler(intakeReceipt, async () => {
    await condition(() => state.recorded);
    return state;
  });

  function enter(stage: Stage): void {
    if (stage === state.stage) return;
    const at = now();
    slaClocks.onStage(state.stage, stage, Date.parse(at));
    state.stageMs[state.stage] = (state.stageMs[state.stage] ?? 0) + (Date.parse(at) - Date.parse(state.stageSince));
    state.stage = stage;
    state.stageSince = at;
  }

  /**
   * Applies a change, then persists the new snapshot and its timeline event. The change
   * runs synchronously before any await, so a concurrent update's validator already
   * sees the new stage. `change` returns the stage to enter, if any.
   */
  async function advance(
    actor: Actor,
    type: string,
    data: Record<string, unknown>,
    change: (s: CaseState) => Stage | void = () => undefined,
  ): Promise<CaseState> {
    const fromStage = state.stage;
    const to = change(state);
    if (to) enter(to);
    state.updatedAt = now();
    if (!isOpenStage(state.stage)) state.closedAt = state.updatedAt;
    epoch++;
    const event: CaseEvent = {
      seq: ++state.eventSeq,
      runId: workflowInfo().runId,
      type,
      fromStage,
      toStage: state.stage,
      actor,
      data,
      occurredAt: state.updatedAt,
    };
    publishForOps();
    await activities.recordCaseEvent(snapshot(), event);
    return state;
  }

  function snapshot(): CaseState {
    return JSON.parse(JSON.stringify(state)) as CaseState;
  }

  function publishForOps(): void {
    const nextDeadline = slaClocks.nextDeadlineIso();
    upsertSearchAttributes([
      { key: SA.CaseStage, value: state.stage },
      { key: SA.Priority, value: state.priority },
      { key: SA.AssignedEngineer, value: state.engineerId ?? null },
      { key: SA.SlaBreached, value: state.sla.breached },
      { key: SA.EscalationLevel, value: state.sla.level },
      { key: SA.NextDeadline, value: nextDeadline ? new Date(nextDeadline) : null },
    ]);
    const c = state.intake.customer;
    const p = state.intake.product;
    const lines = [
      `**${state.caseNo}** · ${state.priority} · ${STAGE_LABELS[state.stage]}`,
      `Customer: ${c.name} (${maskPhone(c.phone)})${c.tier === 'vip' ? ' · VIP' : ''}`,
      `Product: ${p.category} ${p.model} #${p.serial}`,
      `Engineer: ${state.engineerId ? `${state.engineerName ?? ''} ${state.engineerId}`.trim() : '—'}`,
    ];
    if (state.offer) lines.push(`Offer: ${state.offer.engineerName} ${state.offer.engineerId} until ${state.offer.expiresAt}`);
    if (state.appointment) lines.push(`Appointment: ${state.appointment.start} → ${state.appointment.end}`);
    if (state.quote) lines.push(`Quote: ${state.quote.total} ${state.quote.currency} (${state.quote.status})`);
    if (state.reworks) lines.push(`Rework: ${state.reworks}`);
    if (state.sla.nextDeadline) lines.push(`Next SLA deadline: ${state.sla.nextDeadline}`);
    if (state.sla.breached) lines.push(`SLA breached · escalation level ${state.sla.level}`);
    if (state.cancellation) lines.push(`Cancelled: ${state.cancellation.reason}`);
    setCurrentDetails(lines.join('\n\n'));
  }

  function ownerFor(action: CaseAction): string | undefined {
    return action === 'acceptOffer' || action === 'declineOffer' ? state.offer?.engineerId : state.engineerId;
  }

  function guard(action: CaseAction, actor: Actor): void {
    if (!canPerform(action, state.stage)) {
      reject(FAILURE.illegalTransition, `cannot ${action} a case in stage '${state.stage}'`, { currentStage: state.stage });
    }
    if (actor.role === 'engineer' && ENGINEER_OWN_ACTIONS.includes(action) && actor.subject !== ownerFor(action)) {
      reject(FAILURE.forbidden, `case ${state.caseNo} is not ${action.endsWith('Offer') ? 'offered' : 'assigned'} to engineer ${actor.subject ?? '(unknown)'}`);
    }
  }

  function on<A extends CaseAction>(
    action: A,
    handle: (actor: Actor, body: never) => Promise<CaseState>,
    validate?: (actor: Actor, body: never) => void,
  ): void {
    const def = ACTION_UPDATES[action] as unknown as UpdateDefinition<CaseState, [Actor, never]>;
    setHandler(def, handle, {
      validator: (actor: Actor, body: never) => {
        guard(action, actor);
        validate?.(actor, body);
      },
    });
  }

  /** Releases capacity and the booking an engineer held on this case. */
  async function letGo(engineerId: string | undefined, hadBooking: boolean): Promise<void> {
    if (engineerId) await activities.releaseEngineer({ caseNo: state.caseNo, engineerId });
    if (hadBooking) await activities.closeBookings({ caseNo: state.caseNo, status: 'cancelled' });
  }

  function clearEngineer(s: CaseState): void {
    s.engineerId = undefined;
    s.engineerName = undefined;
    s.engineerBadgeNo = undefined;
    s.engineerPhone = undefined;
    s.acceptedAt = undefined;
    s.contact = undefined;
    s.appointment = undefined;
    s.offer = undefined;
  }

  // Dispatch -----------------------------------------------------------------------

  on('assign', async (actor, body: { engineerId: string; note?: string }) => {
    const claim = await activities.claimEngineer({ engineerId: body.engineerId, caseNo: state.caseNo, kind: 'assigned', force: true });
    if (!claim.ok) {
      reject(FAILURE.invalid, `engineer ${body.engineerId} is ${claim.reason}`, {
        fields: [{ path: 'body.engineerId', message: `engineer is ${claim.reason}` }],
      });
    }
    if (!canPerform('assign', state.stage)) {
      if (body.engineerId !== state.engineerId) await activities.releaseEngineer({ caseNo: state.caseNo, engineerId: body.engineerId });
      guard('assign', actor);
    }
    const previous = state.engineerId;
    const offered = state.offer?.engineerId;
    const hadBooking = !!state.appointment && previous !== body.engineerId;
    await advance(actor, previous ? 'engineer.reassigned' : 'engineer.assigned', { engineerId: body.engineerId, note: body.note, previousEngineerId: previous, manual: true }, (s) => {
      if (previous !== body.engineerId) clearEngineer(s);
      s.offer = undefined;
      s.engineerId = claim.engineer.id;
      s.engineerName = claim.engineer.name;
      s.engineerBadgeNo = claim.engineer.badgeNo;
      s.engineerPhone = claim.engineer.phone;
      s.acceptedAt = now();
      return 'dispatched';
    });
    for (const other of [previous, offered]) {
      if (other && other !== body.engineerId) await activities.releaseEngineer({ caseNo: state.caseNo, engineerId: other });
    }
    if (hadBooking) await activities.closeBookings({ caseNo: state.caseNo, status: 'cancelled' });
    return state;
  });

  on('redispatch', async (actor, body: { reason: string }) => {
    const previous = state.engineerId;
    const hadBooking = !!state.appointment;
    await advance(actor, 'dispatch.restarted', { reason: body.reason, previousEngineerId: previous }, (s) => {
      if (previous) s.dispatch.excluded.push(previous);
      clearEngineer(s);
      return 'accepted';
    });
    await letGo(previous, hadBooking);
    return state;
  });

  on('acceptOffer', async (actor, body: { note?: string }) => {
    const offer = state.offer!;
    await activities.claimEngineer({ engineerId: offer.engineerId, caseNo: state.caseNo, kind: 'assigned', force: true });
    if (state.stage !== 'offered' || state.offer?.engineerId !== offer.engineerId) {
      // The offer expired or was overridden while the slot was being taken.
      await activities.releaseEngineer({ caseNo: state.caseNo, engineerId: offer.engineerId });
      reject(FAILURE.illegalTransition, 'the offer is no longer open', { currentStage: state.stage });
    }
    await advance(actor, 'offer.accepted', { engineerId: offer.engineerId, round: offer.round, note: body.note }, (s) => {
      s.offer = undefined;
      s.engineerId = offer.engineerId;
      s.engineerName = offer.engineerName;
      s.engineerBadgeNo = offer.engineerBadgeNo;
      s.engineerPhone = offer.engineerPhone;
      s.acceptedAt = now();
      return 'dispatched';
    });
    return state;
  });

  on('declineOffer', async (actor, body: { reason: string }) => {
    const offer = state.offer!;
    await advance(actor, 'offer.declined', { engineerId: offer.engineerId, round: offer.round, reason: body.reason }, (s) => {
      s.offer = undefined;
      return 'accepted';
    });
    await activities.releaseEngineer({ caseNo: state.caseNo, engineerId: offer.engineerId });
    return state;
  });

  /** One dispatch round: rank, then offer candidates one at a time until one accepts. */
  async function dispatchRound(): Promise<void> {
    const round = ++state.dispatch.round;
    state.dispatch.offeredThisRound = [];
    const c = state.intake.customer;
    const ranking = await activities.rankCandidates({
      category: state.intake.product.category,
      region: c.region,
      lat: c.lat,
      lng: c.lng,
      priority: state.priority,
      vip: c.tier === 'vip',
      exclude: state.dispatch.excluded,
      preferred: state.dispatch.preferred,
      at: now(),
    });
    state.dispatch.lastRanking = ranking.candidates.slice(0, 10);
    await advance(SYSTEM_ACTOR, 'dispatch.ranked', {
      round,
      weights: ranking.weights,
      candidates: ranking.candidates.slice(0, 10).map((k) => ({ engineerId: k.engineerId, name: k.name, score: k.score, reasons: k.reasons })),
      filteredOut: ranking.filtered,
    });
    let offers = 0;
    for (const candidate of ranking.candidates) {
      if (state.stage !== 'accepted') return; // assigned by hand or cancelled meanwhile
      if (offers >= policy.maxCandidates) break;
      if (state.dispatch.offeredThisRound.includes(candidate.engineerId)) continue;
      const claim = await activities.claimEngineer({ engineerId: candidate.engineerId, caseNo: state.caseNo, kind: 'offered' });
      if (state.stage !== 'accepted') {
        if (claim.ok) await activities.releaseEngineer({ caseNo: state.caseNo, engineerId: candidate.engineerId });
        return;
      }
      if (!claim.ok) {
        await advance(SYSTEM_ACTOR, 'offer.skipped', { engineerId: candidate.engineerId, reason: claim.reason, round });
        continue;
      }
      offers++;
      state.dispatch.offeredThisRound.push(candidate.engineerId);
      const windowMs = policy.offerWindowMinutes[state.priority] * MINUTE;
      const offeredAt = now();
      await advance(SYSTEM_ACTOR, 'offer.sent', { engineerId: candidate.engineerId, round, score: candidate.score, windowMinutes: windowMs / MINUTE }, (s) => {
        s.offer = {
          engineerId: claim.engineer.id,
          engineerName: claim.engineer.name,
          engineerBadgeNo: claim.engineer.badgeNo,
          engineerPhone: claim.engineer.phone,
          round,
          offeredAt,
          expiresAt: new Date(Date.parse(offeredAt) + windowMs).toISOString(),
        };
        return 'offered';
      });
      const answered = await condition(() => state.stage !== 'offered' || state.offer?.engineerId !== candidate.engineerId, windowMs);
      if (!answered) {
        await advance(SYSTEM_ACTOR, 'offer.expired', { engineerId: candidate.engineerId, round }, (s) => {
          s.offer = undefined;
          return 'accepted';
        });
        await activities.releaseEngineer({ caseNo: state.caseNo, engineerId: candidate.engineerId });
      }
    }
    if (state.stage === 'accepted') {
      await advance(SYSTEM_ACTOR, 'dispatch.exhausted', { round, offers, ranked: ranking.candidates.length }, () => 'manual_dispatch');
    }
  }

  /** After accepting, the engineer must record contact in time or the case is re-dispatched. */
  async function contactWindow(): Promise<void> {
    const engineerId = state.engineerId;
    const since = Date.parse(state.acceptedAt ?? now());
    const remaining = Math.max(0, since + policy.contactWindowMinutes * MINUTE - Date.now());
    const moved = await condition(() => state.stage !== 'dispatched' || state.engineerId !== engineerId, remaining);
    if (moved) return;
    await advance(SYSTEM_ACTOR, 'contact.window_lapsed', { engineerId, windowMinutes: policy.contactWindowMinutes, escalatedTo: 'dispatcher' }, (s) => {
      if (engineerId) s.dispatch.excluded.push(engineerId);
      clearEngineer(s);
      return 'accepted';
    });
    await letGo(engineerId, false);
  }

  // Contact and appointment --------------------------------------------------------

  on('recordContact', (actor, body: CaseState['contact'] & object) =>
    advance(actor, 'contact.recorded', { ...body }, (s) => {
      s.contact = { ...body, at: now() };
      return 'contacted';
    }),
  );

  on(
    'appointment',
    async (actor, body: { start: string; end: string; note?: string; requestedBy?: 'customer' | 'engineer'; reason?: string }) => {
      const rescheduling = state.stage === 'scheduled';
      // Unique per run too: a reset's new run counts bookings again from the reset point,
      // and reusing the old run's id would skip its booking as "already made".
      const bookingId = `${state.caseNo}-${workflowInfo().runId}-b${++bookingSeq}`;
      const engineerId = state.engineerId!;
      try {
        await activities.reserveVisit({ bookingId, caseNo: state.caseNo, engineerId, start: body.start, end: body.end });
      } catch (err) {
        const cause = err instanceof ActivityFailure ? err.cause : undefined;
        if (cause instanceof ApplicationFailure && cause.type === FAILURE.slotConflict) reject(FAILURE.slotConflict, cause.message);
        throw err;
      }
      if (!canPerform('appointment', state.stage) || state.engineerId !== engineerId) {
        await activities.closeBookings({ caseNo: state.caseNo, status: 'cancelled' });
        guard('appointment', actor);
        reject(FAILURE.illegalTransition, 'the engineer changed while booking', { currentStage: state.stage });
      }
      await advance(actor, rescheduling ? 'appointment.rescheduled' : 'appointment.booked', { ...body, previous: state.appointment, bookingId }, (s) => {
        if (rescheduling && body.requestedBy) s.reschedules[body.requestedBy] += 1;
        s.appointment = { start: body.start, end: body.end, note: body.note, bookingId, bookedAt: now() };
        // The customer moving the visit is time the service does not answer for.
        if (rescheduling && body.requestedBy === 'customer') slaClocks.holdForCustomer(Date.parse(body.start), Date.now());
        return 'scheduled';
      });
      // Seed 002 §三(三)3: the customer is told who comes, with the ID number, and when.
      queueMessage(`${state.caseNo}#${bookingId}`, 'engineer.assigned', 'sms', state.intake.customer.phone, {
        engineerName: state.engineerName ?? '',
        engineerId: state.engineerBadgeNo ?? state.engineerId ?? '',
        eta: localTime(body.start, state.sla.policy.calendar.utcOffsetMinutes),
      });
      await advance(SYSTEM_ACTOR, 'customer.notified', {
        template: 'appointment.booked',
        language: state.intake.customer.language,
        engineerName: state.engineerName,
        engineerBadgeNo: state.engineerBadgeNo,
        eta: body.start,
      });
      return state;
    },
    (actor, body: { requestedBy?: 'customer' | 'engineer'; reason?: string }) => {
      if (state.stage !== 'scheduled') return;
      const fields = [];
      if (!body.requestedBy) fields.push({ path: 'body.requestedBy', message: 'required when rescheduling' });
      if (!body.reason) fields.push({ path: 'body.reason', message: 'required when rescheduling' });
      if (fields.length) reject(FAILURE.invalid, 'rescheduling needs requestedBy and reason', { fields });
      if (state.reschedules[body.requestedBy!] >= policy.maxReschedules) {
        reject(FAILURE.limitReached, `the ${body.requestedBy} has rescheduled ${policy.maxReschedules} times; a dispatcher must handle this case`, { currentStage: state.stage });
      }
      void actor;
    },
  );

  on(
    'noShow',
    async (actor, body: { party: 'customer' | 'engineer'; note?: string }) => {
      const engineerId = state.engineerId;
      if (body.party === 'customer') {
        await advance(actor, 'visit.no_show', { party: 'customer', note: body.note, rebook: true }, (s) => {
          s.noShows.customer += 1;
          s.appointment = undefined;
          return 'contacted';
        });
        await activities.closeBookings({ caseNo: state.caseNo, status: 'cancelled' });
      } else {
        await advance(actor, 'visit.no_show', { party: 'engineer', engineerId, note: body.note, escalatedTo: 'dispatcher' }, (s) => {
          s.noShows.engineer += 1;
          if (engineerId) s.dispatch.excluded.push(engineerId);
          clearEngineer(s);
          return 'accepted';
        });
        await letGo(engineerId, true);
      }
      return state;
    },
    (actor, body: { party: 'customer' | 'engineer' }) => {
      if (actor.role === 'engineer' && body.party === 'engineer') {
        reject(FAILURE.invalid, 'an engineer reports customer no-shows only', { fields: [{ path: 'body.party', message: 'must be customer' }] });
      }
    },
  );

  // On site -----------------------------------------------------------------------

  on('checkIn', (actor, body: { lat?: number; lng?: number; note?: string }) =>
    advance(actor, 'visit.checked_in', { ...body, visit: state.visits + 1 }, (s) => {
      s.visits += 1;
      s.visitOutcome = undefined;
      s.checkOut = undefined;
      return 'on_site';
    }),
  );

  on('diagnose', (actor, body: { cause: string; note?: string }) =>
    advance(actor, 'diagnosis.recorded', { ...body, visit: state.visits }, (s) => {
      s.diagnosis = { cause: body.cause, at: now() };
    }),
  );

  on('quote', async (actor, body: { lines: NonNullable<CaseState['quote']>['lines']; currency: string; note?: string }) => {
    const total = Math.round(body.lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0) * 100) / 100;
    const warrantyUntil = state.intake.product.warrantyUntil;
    const coveredByWarranty = !!warrantyUntil && warrantyUntil >= now().slice(0, 10);
    const needsApproval = total > 0 && !coveredByWarranty;
    await advance(actor, 'quote.submitted', { lines: body.lines, currency: body.currency, total, coveredByWarranty, needsApproval, note: body.note }, (s) => {
      s.quote = { lines: body.lines, currency: body.currency, total, coveredByWarranty, status: needsApproval ? 'awaiting_approval' : 'waived' };
      return needsApproval ? 'awaiting_approval' : undefined;
    });
    if (needsApproval) {
      queueMessage(`${state.caseNo}#quote-${state.visits}-${state.eventSeq}`, 'quote.awaiting_approval', 'sms', state.intake.customer.phone, {
        amount: `${total} ${body.currency}`,
        link: await customerLink(),
      });
      await advance(SYSTEM_ACTOR, 'customer.notified', { template: 'quote.awaiting_approval', language: state.intake.customer.language, total, currency: body.currency });
    }
    return state;
  });

  on('decideQuote', async (actor, body: { approve: boolean; comment?: string }) => {
    await advance(actor, body.approve ? 'quote.approved' : 'quote.rejected', { comment: body.comment, total: state.quote?.total }, (s) => {
      s.quote = { ...s.quote!, status: body.approve ? 'approved' : 'rejected', decidedBy: actor, decidedAt: now(), comment: body.comment };
      if (body.approve) return 'on_site';
      s.visitOutcome = 'repair_declined';
      return 'awaiting_confirmation';
    });
    if (!body.approve) {
      await activities.closeBookings({ caseNo: state.caseNo, status: 'done' });
      await askForConfirmation();
    }
    return state;
  });

  on(
    'checkOut',
    async (
      actor,
      body: { result: 'fixed' | 'needs_parts' | 'cannot_fix'; resolution: string; partsUsed: Array<{ partNo: string; description?: string; quantity: number; oldPartReturned: boolean }>; warrantyDays: number; note?: string },
    ) => {
      const at = now();
      const warrantyUntil = new Date(Date.parse(at) + body.warrantyDays * 86_400_000).toISOString().slice(0, 10);
      await advance(actor, 'visit.checked_out', { ...body, visit: state.visits, warrantyUntil }, (s) => {
        s.checkOut = { result: body.result, resolution: body.resolution, at };
        s.visitOutcome = body.result;
        s.partsUsed.push(...body.partsUsed.map((p) => ({ ...p, visit: s.visits, warrantyUntil })));
        // A return visit needs a new booking.
        if (body.result !== 'fixed') s.appointment = undefined;
        return stageAfterCheckOut(body.result);
      });
      await activities.closeBookings({ caseNo: state.caseNo, status: 'done' });
      if (state.stage === 'awaiting_confirmation') await askForConfirmation();
      if (body.result === 'cannot_fix') {
        await advance(SYSTEM_ACTOR, 'case.escalated', { to: 'supervisor', reason: 'cannot_fix', resolution: body.resolution });
      }
      return state;
    },
    (_actor, body: { result: string; quote?: unknown }) => {
      if (body.result === 'fixed' && state.quote?.status === 'rejected') {
        reject(FAILURE.invalid, 'the customer declined the quote', { fields: [{ path: 'body.result', message: 'repair was declined' }] });
      }
    },
  );

  // Confirmation, rework, archive ---------------------------------------------------

  on('confirm', async (actor, body: { rating: number; comment?: string; fixed: boolean }) => {
    const engineerId = state.engineerId;
    if (!body.fixed && state.visitOutcome !== 'repair_declined') {
      // Not fixed: rework, back to dispatch with the same engineer preferred.
      await advance(actor, 'case.rework', { rating: body.rating, comment: body.comment, previousEngineerId: engineerId, rework: state.reworks + 1 }, (s) => {
        s.reworks += 1;
        slaClocks.newCycle(Date.now());
        s.dispatch.preferred = engineerId;
        s.confirmation = undefined;
        s.quote = undefined;
        s.checkOut = undefined;
        s.visitOutcome = undefined;
        clearEngineer(s);
        return 'accepted';
      });
      await letGo(engineerId, false);
      if (state.reworks >= 2) await openAutoComplaint('second_rework', body);
      else if (body.rating <= LOW_RATING_THRESHOLD) await openAutoComplaint('low_rating', body);
      return state;
    }
    await archive(actor, 'case.confirmed', { rating: body.rating, comment: body.comment, fixed: body.fixed });
    if (body.rating <= LOW_RATING_THRESHOLD) await openAutoComplaint('low_rating', body);
    return state;
  });

  /**
   * A low rating or a second rework opens a complaint by itself: a child that outlives
   * the case, named after case and trigger so it can only ever be opened once.
   */
  async function openAutoComplaint(trigger: ComplaintTrigger, c: { rating: number; comment?: string }): Promise<void> {
    const complaintNo = autoComplaintNo(state.caseNo, trigger);
    if (state.complaints.includes(complaintNo)) return;
    state.complaints.push(complaintNo);
    const customer = state.intake.customer;
    const grade: ComplaintGrade = trigger === 'second_rework' || c.rating <= 1 ? 'serious' : 'general';
    const summary =
      trigger === 'second_rework'
        ? `Automatic: case ${state.caseNo} needed a second rework (${state.reworks} reworks)${c.comment ? `; customer: ${c.comment}` : ''}`
        : `Automatic: the customer rated case ${state.caseNo} ${c.rating}/5${c.comment ? `: ${c.comment}` : ''}`;
    await startChild(complaintWorkflow, {
      workflowId: complaintWorkflowId(complaintNo),
      parentClosePolicy: 'ABANDON',
      typedSearchAttributes: [
        { key: SA.ComplaintNo, value: complaintNo },
        { key: SA.ComplaintStage, value: 'received' },
        { key: SA.ComplaintGrade, value: grade },
        { key: SA.CaseNo, value: state.caseNo },
        { key: SA.SlaBreached, value: false },
      ],
      staticSummary: `${complaintNo} · ${grade} · automatic (${trigger}) · case ${state.caseNo}`,
      args: [
        {
          complaintNo,
          source: 'auto',
          trigger: { kind: trigger, rating: c.rating, reworks: state.reworks, comment: c.comment },
          openedBy: SYSTEM_ACTOR,
          contacts: input.contacts,
          intake: {
            category: trigger === 'second_rework' ? 'repair_quality' : 'other',
            grade,
            channel: 'auto',
            summary,
            caseNo: state.caseNo,
            customer: { name: customer.name, phone: customer.phone, language: customer.language },
          },
        },
      ],
    });
    await advance(SYSTEM_ACTOR, 'complaint.opened', { complaintNo, trigger, grade, rating: c.rating });
  }

  /** A signed link for the customer (issued by an activity: the workflow holds no secret). */
  async function customerLink(): Promise<string> {
    return linkOrHotline(await activities.issueCustomerLink({ subjectNo: state.caseNo }), state.intake.customer.language);
  }

  /** The visit is over: the customer is asked to confirm and rate, through their link. */
  async function askForConfirmation(): Promise<void> {
    queueMessage(`${state.caseNo}#confirm-${state.reworks}-${state.visits}`, 'case.awaiting_confirmation', 'sms', state.intake.customer.phone, { link: await customerLink() });
  }

  /** Archives the case: metrics, engineer rating, aftercare. */
  async function archive(actor: Actor, type: string, c: { rating?: number; comment?: string; fixed: boolean; auto?: boolean }): Promise<void> {
    const engineerId = state.engineerId;
    let metrics: CaseMetrics | undefined;
    await advance(actor, type, { ...c }, (s) => {
      s.confirmation = { ...c, at: now(), by: actor };
      enter('archived');
      metrics = {
        stageMs: { ...s.stageMs },
        visits: s.visits,
        reworks: s.reworks,
        firstTimeFix: s.reworks === 0 && s.visits === 1 && s.checkOut?.result === 'fixed' && c.fixed && !c.auto,
        totalMs: Date.parse(s.stageSince) - Date.parse(s.openedAt),
      };
      s.metrics = metrics;
      return 'archived';
    });
    await activities.recordArchive({ caseNo: state.caseNo, engineerId, metrics: metrics!, rating: c.rating, archivedAt: state.closedAt! });
    // Callback and maintenance outlive the case: a child that the case does not wait for.
    await startChild(aftercareWorkflow, {
      workflowId: `aftercare-${state.caseNo}`,
      parentClosePolicy: 'ABANDON',
      args: [{ caseNo: state.caseNo, archivedAt: state.closedAt!, customer: state.intake.customer, product: state.intake.product, engineerId, rating: c.rating, ...input.aftercare }],
    });
  }

  /** SLA level 3 on a dispatch clock of a held case: the offer or the engineer is taken back, dispatch runs again. */
  async function takeFromEngineer(reason: string): Promise<void> {
    if (state.stage === 'offered' && state.offer) {
      const offered = state.offer.engineerId;
      await advance(SYSTEM_ACTOR, 'offer.withdrawn', { engineerId: offered, reason }, (s) => {
        s.offer = undefined;
        return 'accepted';
      });
      await activities.releaseEngineer({ caseNo: state.caseNo, engineerId: offered });
    } else if (state.stage === 'dispatched') {
      const engineerId = state.engineerId;
      await advance(SYSTEM_ACTOR, 'dispatch.restarted', { reason, previousEngineerId: engineerId }, (s) => {
        if (engineerId) s.dispatch.excluded.push(engineerId);
        clearEngineer(s);
        return 'accepted';
      });
      await letGo(engineerId, false);
    }
  }

  async function sendReminder(r: DueReminder): Promise<void> {
    if (r.kind === 'auto_confirm') {
      state.remindersSent.push(r.key);
      if (state.stage === 'awaiting_confirmation') await archive(SYSTEM_ACTOR, 'case.auto_confirmed', { fixed: true, auto: true });
      return;
    }
    const to = r.kind.endsWith('engineer') ? 'engineer' : 'customer';
    const visit = { engineerName: state.engineerName ?? '', start: state.appointment ? localTime(state.appointment.start, state.sla.policy.calendar.utcOffsetMinutes) : '', customerName: state.intake.customer.name, address: state.intake.customer.address };
    if (r.kind === 'visit.customer') queueMessage(`${state.caseNo}#${r.key}`, 'appointment.reminder', 'sms', state.intake.customer.phone, visit);
    if (r.kind === 'visit.engineer') queueMessage(`${state.caseNo}#${r.key}`, 'engineer.reminder', 'sms', state.engineerPhone, visit);
    if (r.kind === 'confirmation.customer') queueMessage(`${state.caseNo}#${r.key}`, 'confirmation.reminder', 'sms', state.intake.customer.phone, { link: await customerLink() });
    await advance(SYSTEM_ACTOR, 'reminder.sent', { kind: r.kind, to, ...r.data }, (s) => {
      s.remindersSent.push(r.key);
    });
  }

  on('cancel', async (actor, body: { reason: string }) => {
    const hadBooking = !!state.appointment;
    await advance(actor, 'case.cancelled', { reason: body.reason }, (s) => {
      s.cancellation = { reason: body.reason, at: now(), by: actor };
      s.offer = undefined;
      return 'cancelled';
    });
    await activities.releaseEngineer({ caseNo: state.caseNo });
    if (hadBooking) await activities.closeBookings({ caseNo: state.caseNo, status: 'cancelled' });
    return state;
  });

  // The case keeps the SLA policy version in force when it opens.
  const slaPolicy = await activities.loadSlaPolicy();
  state.sla.policyVersion = slaPolicy.version;
  state.sla.policy = slaPolicy.policy;
  slaClocks.onStage(null, 'accepted', Date.parse(state.openedAt));

  // The intake itself is the first timeline event.
  state.eventSeq = 1;
  publishForOps();
  upsertSearchAttributes([
    { key: SA.CaseNo, value: state.caseNo },
    { key: SA.Region, value: state.intake.customer.region ?? 'unassigned' },
    { key: SA.SlaBreached, value: false },
  ]);
  await activities.recordCaseEvent(snapshot(), {
    seq: 1,
    runId: workflowInfo().runId,
    type: 'case.opened',
    fromStage: null,
    toStage: 'accepted',
    actor: input.openedBy,
    data: { channel: input.intake.channel, idempotencyKey: input.idempotencyKey },
    occurredAt: state.openedAt,
  });
  state.recorded = true;

  async function drive(): Promise<void> {
    while (isOpenStage(state.stage)) {
      if (state.stage === 'accepted') await dispatchRound();
      else if (state.stage === 'dispatched') await contactWindow();
      else {
        const seen = epoch;
        await condition(() => epoch !== seen);
      }
    }
  }
  await Promise.all([drive(), slaClocks.run(), runReminders(state, reminderPolicy, () => epoch, isClosed, sendReminder), outbox.run(isClosed)]);
  await condition(allHandlersFinished);
  return { caseNo: state.caseNo, stage: state.stage, closedAt: state.closedAt };
}
