// How a case ends (用户确认与评价, 归档): the customer's confirmation and rating or a
// rework, cancellation, the archive with its metrics and aftercare, and the complaint a
// low rating or a second rework opens by itself. Deterministic.
import { patched, startChild } from '@temporalio/workflow';
import { SYSTEM_ACTOR, type Actor, type CaseMetrics, type CaseState } from '../domain';
import type { CancelBody, ConfirmBody } from '../domain/schemas';
import { autoComplaintNo, complaintWorkflowId, LOW_RATING_THRESHOLD, type ComplaintGrade, type ComplaintTrigger } from '../domain/complaints';
import { SA } from '../domain/searchAttributes';
import { aftercareWorkflow } from './aftercareWorkflow';
import type { CaseCore, MoveWritten } from './caseCore';
import { clearEngineer, now } from './caseState';
import { ENGINEER_MOVE_PATCH, queueEngineerMove } from './caseMessages';
import { complaintWorkflow } from './complaintWorkflow';

export class CaseClosure {
  constructor(private readonly core: CaseCore) {}

  private get state(): CaseState {
    return this.core.state;
  }

  setup(): void {
    this.core.on<ConfirmBody>('confirm', (actor, body) => this.confirm(actor, body));
    this.core.on<CancelBody>('cancel', (actor, body) => this.cancel(actor, body));
  }

  private async confirm(actor: Actor, body: ConfirmBody): Promise<CaseState> {
    const { core, state } = this;
    const engineerId = state.engineerId;
    if (!body.fixed && state.visitOutcome !== 'repair_declined') {
      // Not fixed: rework, back to dispatch with the same engineer preferred.
      await core.advance(
        actor,
        'case.rework',
        { rating: body.rating, comment: body.comment, previousEngineerId: engineerId, rework: state.reworks + 1 },
        (s) => {
          s.reworks += 1;
          core.sla.newCycle(Date.now());
          s.dispatch.preferred = engineerId;
          s.confirmation = undefined;
          s.quote = undefined;
          s.checkOut = undefined;
          s.visitOutcome = undefined;
          clearEngineer(s);
          return 'accepted';
        },
      );
      await core.letGo(engineerId, false);
      // "Not fixed" may come without a rating (a rating was required before: same commands for old runs).
      if (state.reworks >= 2) await this.openAutoComplaint('second_rework', body);
      else if (body.rating !== undefined && body.rating <= LOW_RATING_THRESHOLD) await this.openAutoComplaint('low_rating', body);
      return state;
    }
    await this.archive(actor, 'case.confirmed', { rating: body.rating, comment: body.comment, fixed: body.fixed });
    if (body.rating !== undefined && body.rating <= LOW_RATING_THRESHOLD) await this.openAutoComplaint('low_rating', body);
    return state;
  }

  private async cancel(actor: Actor, body: CancelBody): Promise<CaseState> {
    const { core, state } = this;
    const hadBooking = !!state.appointment;
    // The engineer who loses the case: the assigned one, else the one it is offered to.
    const loser = state.engineerId
      ? { id: state.engineerId, phone: state.engineerPhone, language: state.engineerLanguage, personId: state.engineerPersonId }
      : state.offer
        ? { id: state.offer.engineerId, phone: state.offer.engineerPhone, language: state.offer.engineerLanguage, personId: state.offer.engineerPersonId }
        : undefined;
    const tell = patched(ENGINEER_MOVE_PATCH) && loser !== undefined;
    const seq = state.eventSeq;
    const notified = tell ? { notified: [{ engineerId: loser.id, template: 'engineer.case_cancelled' }] } : {};
    // New runs close the bookings in the cancellation's write (MOVE_FOLDS_PATCH).
    const folds = core.folds && hadBooking;
    await core.advance(
      actor,
      'case.cancelled',
      { reason: body.reason, ...notified },
      (s) => {
        s.cancellation = { reason: body.reason, at: now(), by: actor };
        s.offer = undefined;
        return 'cancelled';
      },
      () => (folds ? { closeBookings: 'cancelled' } : {}),
    );
    if (tell) queueEngineerMove(core, 'engineer.case_cancelled', loser, seq);
    await core.activities.releaseEngineer({ caseNo: state.caseNo });
    if (hadBooking && !folds) await core.activities.closeBookings({ caseNo: state.caseNo, status: 'cancelled' });
    return state;
  }

  /** The visit is over: the customer is asked to confirm and rate, through their link (`signed`: signed by the move's write). */
  async askForConfirmation(signed?: MoveWritten['customerLink']): Promise<void> {
    const { core, state } = this;
    core.queueMessage(`${state.caseNo}#confirm-${state.reworks}-${state.visits}`, 'case.awaiting_confirmation', 'sms', state.intake.customer.phone, {
      link: signed === undefined ? await core.customerLink() : core.linkText(signed),
    });
  }

  /** Archives the case: metrics, engineer rating, aftercare. */
  async archive(actor: Actor, type: string, c: { rating?: number; comment?: string; fixed: boolean; auto?: boolean }): Promise<void> {
    const { core, state } = this;
    const engineerId = state.engineerId;
    let metrics: CaseMetrics | undefined;
    const record = () => ({ caseNo: state.caseNo, engineerId, metrics: metrics!, rating: c.rating, archivedAt: state.closedAt! });
    const change = (s: CaseState) => {
      s.confirmation = { ...c, at: now(), by: actor };
      core.enter('archived');
      metrics = {
        stageMs: { ...s.stageMs },
        visits: s.visits,
        reworks: s.reworks,
        firstTimeFix: s.reworks === 0 && s.visits === 1 && s.checkOut?.result === 'fixed' && c.fixed && !c.auto,
        totalMs: Date.parse(s.stageSince) - Date.parse(s.openedAt),
      };
      s.metrics = metrics;
      return 'archived' as const;
    };
    // With ONE_WRITE_PATCH the archive is written with the archiving event.
    await core.advance(actor, type, { ...c }, change, () => ({ archive: record() }));
    if (!core.oneWrite) await core.activities.recordArchive(record());
    // Callback and maintenance outlive the case: a child that the case does not wait for,
    // on the intervals the case was opened with.
    await startChild(aftercareWorkflow, {
      workflowId: `aftercare-${state.caseNo}`,
      parentClosePolicy: 'ABANDON',
      args: [
        {
          caseNo: state.caseNo,
          archivedAt: state.closedAt!,
          customer: state.intake.customer,
          product: state.intake.product,
          engineerId,
          rating: c.rating,
          reworks: state.reworks,
          kind: state.intake.kind,
          ...state.settings.aftercare,
        },
      ],
    });
  }

  /**
   * A low rating or a second rework opens a complaint by itself: a child that outlives
   * the case, named after case and trigger so it can only ever be opened once.
   */
  private async openAutoComplaint(trigger: ComplaintTrigger, c: { rating?: number; comment?: string }): Promise<void> {
    const { core, state } = this;
    const complaintNo = autoComplaintNo(state.caseNo, trigger);
    if (state.complaints.includes(complaintNo)) return;
    state.complaints.push(complaintNo);
    const customer = state.intake.customer;
    const grade: ComplaintGrade = trigger === 'second_rework' || (c.rating !== undefined && c.rating <= 1) ? 'serious' : 'general';
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
          // The contacts this case was opened with.
          contacts: state.settings.contacts,
          intake: {
            category: trigger === 'second_rework' ? 'repair_quality' : 'other',
            grade,
            channel: 'auto',
            summary,
            caseNo: state.caseNo,
            customer: { name: customer.name, phone: customer.phone, language: customer.language },
            // Its owner and escalations are routed in the case's region.
            ...(customer.region ? { region: customer.region } : {}),
          },
        },
      ],
    });
    await core.advance(SYSTEM_ACTOR, 'complaint.opened', { complaintNo, trigger, grade, rating: c.rating });
  }
}
