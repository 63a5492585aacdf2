// The visit (接单与预约, 上门服务): the engineer's contact with the customer, the booking
// and its reschedules, no-shows, check-in, diagnosis, the quote and the customer's
// decision on it, and check-out. Deterministic.
import { ActivityFailure, ApplicationFailure, patched, workflowInfo } from '@temporalio/workflow';
import { canPerform, stageAfterCheckOut, SYSTEM_ACTOR, type Actor, type CaseState } from '../domain';
import type { AppointmentBody, CheckInBody, CheckOutBody, ContactBody, DiagnoseBody, NoShowBody, QuoteBody, QuoteDecisionBody } from '../domain/schemas';
import { FAILURE } from '../domain/failures';
import { localTime } from '../domain/notifications';
import { BOOKING_OVERRIDE_ROLES } from '../domain/engineerHours';
import { reject } from './activities';
import type { CaseCore, MoveWritten } from './caseCore';
import { clearEngineer, now } from './caseState';
import { ENGINEER_RESCHEDULE_PATCH, queueRescheduleMessage, tellTakeback } from './caseMessages';

/** Marks the runs whose bookings are held to the engineer's hours and the customer's preferred windows. */
export const BOOKING_RULES_PATCH = 'engineer-booking-hours';

export class CaseVisit {
  /** Bookings made by this run (reserveVisit's idempotency key). */
  private bookingSeq = 0;

  /** `askForConfirmation` is the closure's request to the customer once the visit is over (with the link the move signed, if it did). */
  constructor(
    private readonly core: CaseCore,
    private readonly askForConfirmation: (signed?: MoveWritten['customerLink']) => Promise<void>,
  ) {}

  private get state(): CaseState {
    return this.core.state;
  }

  setup(): void {
    const core = this.core;
    core.on<ContactBody>('recordContact', (actor, body) =>
      core.advance(actor, 'contact.recorded', { ...body }, (s) => {
        s.contact = { ...body, at: now() };
        return 'contacted';
      }),
    );
    core.on<AppointmentBody>(
      'appointment',
      (actor, body) => this.book(actor, body),
      (actor, body) => this.validateBooking(actor, body),
    );
    core.on<NoShowBody>(
      'noShow',
      (actor, body) => this.noShow(actor, body),
      (actor, body) => {
        if (actor.role === 'engineer' && body.party === 'engineer') {
          reject(FAILURE.invalid, 'an engineer reports customer no-shows only', { fields: [{ path: 'body.party', message: 'must be customer' }] });
        }
      },
    );
    core.on<CheckInBody>('checkIn', (actor, body) =>
      core.advance(actor, 'visit.checked_in', { ...body, visit: this.state.visits + 1 }, (s) => {
        s.visits += 1;
        s.visitOutcome = undefined;
        s.checkOut = undefined;
        return 'on_site';
      }),
    );
    core.on<DiagnoseBody>('diagnose', (actor, body) =>
      core.advance(actor, 'diagnosis.recorded', { ...body, visit: this.state.visits }, (s) => {
        s.diagnosis = { cause: body.cause, at: now() };
      }),
    );
    core.on<QuoteBody>('quote', (actor, body) => this.quote(actor, body));
    core.on<QuoteDecisionBody>('decideQuote', (actor, body) => this.decideQuote(actor, body));
    core.on<CheckOutBody>(
      'checkOut',
      (actor, body) => this.checkOut(actor, body),
      (_actor, body) => {
        if (body.result === 'fixed' && this.state.quote?.status === 'rejected') {
          reject(FAILURE.invalid, 'the customer declined the quote', { fields: [{ path: 'body.result', message: 'repair was declined' }] });
        }
      },
    );
  }

  // Contact and appointment ---------------------------------------------------------

  private validateBooking(actor: Actor, body: AppointmentBody): void {
    const state = this.state;
    if (body.override && !BOOKING_OVERRIDE_ROLES.includes(actor.role)) {
      reject(FAILURE.forbidden, "only a dispatcher, supervisor or admin may override the engineer's hours and the customer's preferred windows");
    }
    if (state.stage !== 'scheduled') return;
    const fields = [];
    if (!body.requestedBy) fields.push({ path: 'body.requestedBy', message: 'required when rescheduling' });
    if (!body.reason) fields.push({ path: 'body.reason', message: 'required when rescheduling' });
    if (fields.length) reject(FAILURE.invalid, 'rescheduling needs requestedBy and reason', { fields });
    if (state.reschedules[body.requestedBy!] >= state.policy.maxReschedules) {
      reject(FAILURE.limitReached, `the ${body.requestedBy} has rescheduled ${state.policy.maxReschedules} times; a dispatcher must handle this case`, {
        currentStage: state.stage,
      });
    }
  }

  private async book(actor: Actor, body: AppointmentBody): Promise<CaseState> {
    const { core, state } = this;
    const rescheduling = state.stage === 'scheduled';
    // Unique per run too: a reset's new run counts bookings again from the reset point,
    // and reusing the old run's id would skip its booking as "already made".
    const bookingId = `${state.caseNo}-${workflowInfo().runId}-b${++this.bookingSeq}`;
    const engineerId = state.engineerId!;
    const overridden = await this.checkSlot(engineerId, body);
    try {
      await core.activities.reserveVisit({ bookingId, caseNo: state.caseNo, engineerId, start: body.start, end: body.end });
    } catch (err) {
      const cause = err instanceof ActivityFailure ? err.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.type === FAILURE.slotConflict) reject(FAILURE.slotConflict, cause.message);
      throw err;
    }
    if (!canPerform('appointment', state.stage) || state.engineerId !== engineerId) {
      await core.activities.closeBookings({ caseNo: state.caseNo, status: 'cancelled' });
      core.guard('appointment', actor);
      reject(FAILURE.illegalTransition, 'the engineer changed while booking', { currentStage: state.stage });
    }
    const previous = state.appointment;
    const { override, ...asked } = body;
    // The customer moving the visit is told to the engineer (unless they recorded it themselves).
    const tellEngineer =
      rescheduling && body.requestedBy === 'customer' && actor.role !== 'engineer' && !!state.engineerPhone && patched(ENGINEER_RESCHEDULE_PATCH);
    const data = {
      ...asked,
      previous,
      bookingId,
      ...(override ? { override: { reason: override.reason, ...(overridden ? { overrode: overridden.code, rule: overridden.message } : {}) } } : {}),
      ...(tellEngineer ? { notified: [{ engineerId, template: 'engineer.rescheduled' }] } : {}),
    };
    const notified = {
      template: 'engineer.assigned',
      language: state.intake.customer.language,
      engineerName: state.engineerName,
      engineerBadgeNo: state.engineerBadgeNo,
      eta: body.start,
    };
    // The customer told (below) is written with the booking by new runs (MOVE_FOLDS_PATCH).
    const folds = core.folds;
    await core.move(
      actor,
      rescheduling ? 'appointment.rescheduled' : 'appointment.booked',
      data,
      (s) => {
        if (rescheduling && body.requestedBy) s.reschedules[body.requestedBy] += 1;
        s.appointment = { start: body.start, end: body.end, note: body.note, bookingId, bookedAt: now() };
        // The customer moving the visit is time the service does not answer for.
        if (rescheduling && body.requestedBy === 'customer') core.sla.holdForCustomer(Date.parse(body.start), Date.now());
        return 'scheduled';
      },
      undefined,
      folds ? { after: [{ type: 'customer.notified', actor: SYSTEM_ACTOR, data: notified }] } : {},
    );
    if (tellEngineer) queueRescheduleMessage(core, { bookingId, start: body.start, end: body.end, previousStart: previous?.start, reason: body.reason });
    // Seed 002 §三(三)3: the customer is told who comes, with the ID number, and when.
    core.queueMessage(`${state.caseNo}#${bookingId}`, 'engineer.assigned', 'sms', state.intake.customer.phone, {
      engineerName: state.engineerName ?? '',
      engineerId: state.engineerBadgeNo ?? state.engineerId ?? '',
      eta: localTime(body.start, state.sla.policy.calendar.utcOffsetMinutes),
    });
    if (!folds) await core.advance(SYSTEM_ACTOR, 'customer.notified', notified);
    return state;
  }

  /**
   * New runs hold the slot to the engineer's hours and the customer's preferred windows
   * (read by an activity at booking time): a refusal is 409 with its code, unless a
   * dispatcher overrides with a reason; returns the rule overridden, if any.
   */
  private async checkSlot(engineerId: string, body: AppointmentBody): Promise<{ code: string; message: string } | undefined> {
    if (!patched(BOOKING_RULES_PATCH)) return undefined;
    const verdict = await this.core.activities.checkVisitSlot({
      engineerId,
      start: body.start,
      end: body.end,
      preferredWindows: this.state.intake.preferredWindows ?? [],
    });
    if (verdict.ok) return undefined;
    if (!body.override) reject(FAILURE.bookingRefused, verdict.message, { code: verdict.code, currentStage: this.state.stage });
    return { code: verdict.code, message: verdict.message };
  }

  private async noShow(actor: Actor, body: NoShowBody): Promise<CaseState> {
    const { core, state } = this;
    const engineerId = state.engineerId;
    if (body.party === 'customer') {
      await core.advance(actor, 'visit.no_show', { party: 'customer', note: body.note, rebook: true }, (s) => {
        s.noShows.customer += 1;
        s.appointment = undefined;
        return 'contacted';
      });
      await core.activities.closeBookings({ caseNo: state.caseNo, status: 'cancelled' });
    } else {
      const told = tellTakeback(core);
      await core.advance(actor, 'visit.no_show', { party: 'engineer', engineerId, note: body.note, escalatedTo: 'dispatcher', ...told.notified }, (s) => {
        s.noShows.engineer += 1;
        if (engineerId) s.dispatch.excluded.push(engineerId);
        clearEngineer(s);
        return 'accepted';
      });
      told.send();
      await core.letGo(engineerId, true);
    }
    return state;
  }

  // On site -------------------------------------------------------------------------

  private async quote(actor: Actor, body: QuoteBody): Promise<CaseState> {
    const { core, state } = this;
    const total = Math.round(body.lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0) * 100) / 100;
    const warrantyUntil = state.intake.product.warrantyUntil;
    const coveredByWarranty = !!warrantyUntil && warrantyUntil >= now().slice(0, 10);
    const needsApproval = total > 0 && !coveredByWarranty;
    const notified = { template: 'quote.awaiting_approval', language: state.intake.customer.language, total, currency: body.currency };
    const quoteSeq = state.eventSeq + 1;
    // New runs: the customer's link is signed and their being told written with the quote (MOVE_FOLDS_PATCH).
    const folds = core.folds && needsApproval;
    const written = await core.move(
      actor,
      'quote.submitted',
      { lines: body.lines, currency: body.currency, total, coveredByWarranty, needsApproval, note: body.note },
      (s) => {
        s.quote = { lines: body.lines, currency: body.currency, total, coveredByWarranty, status: needsApproval ? 'awaiting_approval' : 'waived' };
        return needsApproval ? 'awaiting_approval' : undefined;
      },
      () => (folds ? { customerLink: true } : {}),
      folds ? { after: [{ type: 'customer.notified', actor: SYSTEM_ACTOR, data: notified }] } : {},
    );
    if (folds) {
      core.queueMessage(`${state.caseNo}#quote-${state.visits}-${quoteSeq}`, 'quote.awaiting_approval', 'sms', state.intake.customer.phone, {
        amount: `${total} ${body.currency}`,
        link: core.linkText(written.customerLink),
      });
    } else if (needsApproval) {
      core.queueMessage(`${state.caseNo}#quote-${state.visits}-${state.eventSeq}`, 'quote.awaiting_approval', 'sms', state.intake.customer.phone, {
        amount: `${total} ${body.currency}`,
        link: await core.customerLink(),
      });
      await core.advance(SYSTEM_ACTOR, 'customer.notified', notified);
    }
    return state;
  }

  private async decideQuote(actor: Actor, body: QuoteDecisionBody): Promise<CaseState> {
    const { core, state } = this;
    // New runs: a declined quote closes the bookings and signs the confirmation link in its write (MOVE_FOLDS_PATCH).
    const folds = core.folds && !body.approve;
    const written = await core.move(
      actor,
      body.approve ? 'quote.approved' : 'quote.rejected',
      { comment: body.comment, total: state.quote?.total },
      (s) => {
        s.quote = { ...s.quote!, status: body.approve ? 'approved' : 'rejected', decidedBy: actor, decidedAt: now(), comment: body.comment };
        if (body.approve) return 'on_site';
        s.visitOutcome = 'repair_declined';
        return 'awaiting_confirmation';
      },
      () => (folds ? { closeBookings: 'done', customerLink: true } : {}),
    );
    if (folds) await this.askForConfirmation(written.customerLink);
    else if (!body.approve) {
      await core.activities.closeBookings({ caseNo: state.caseNo, status: 'done' });
      await this.askForConfirmation();
    }
    return state;
  }

  private async checkOut(actor: Actor, body: CheckOutBody): Promise<CaseState> {
    const { core, state } = this;
    const at = now();
    const warrantyUntil = new Date(Date.parse(at) + body.warrantyDays * 86_400_000).toISOString().slice(0, 10);
    const escalated = { type: 'case.escalated', actor: SYSTEM_ACTOR, data: { to: 'supervisor', reason: 'cannot_fix', resolution: body.resolution } };
    // New runs: the bookings closed, the confirmation link signed and the escalation written with the check-out (MOVE_FOLDS_PATCH).
    const folds = core.folds;
    const written = await core.move(
      actor,
      'visit.checked_out',
      { ...body, visit: state.visits, warrantyUntil },
      (s) => {
        s.checkOut = { result: body.result, resolution: body.resolution, at };
        s.visitOutcome = body.result;
        s.partsUsed.push(...body.partsUsed.map((p) => ({ ...p, visit: s.visits, warrantyUntil })));
        // A return visit needs a new booking.
        if (body.result !== 'fixed') s.appointment = undefined;
        return stageAfterCheckOut(body.result);
      },
      () => (folds ? { closeBookings: 'done', ...(state.stage === 'awaiting_confirmation' ? { customerLink: true } : {}) } : {}),
      folds && body.result === 'cannot_fix' ? { after: [escalated] } : {},
    );
    if (folds) {
      // A confirmation that came in meanwhile needs no request.
      if (state.stage === 'awaiting_confirmation' && written.customerLink !== undefined) await this.askForConfirmation(written.customerLink);
      return state;
    }
    await core.activities.closeBookings({ caseNo: state.caseNo, status: 'done' });
    if (state.stage === 'awaiting_confirmation') await this.askForConfirmation();
    if (body.result === 'cannot_fix') await core.advance(SYSTEM_ACTOR, 'case.escalated', escalated.data);
    return state;
  }
}
