// A customer's reschedule request (改约申请) as the case workflow hears of it. The API stores
// the request in PostgreSQL, then sends one of two Updates, each keyed by the request id:
// - rescheduleRequested: the case's engineer and the dispatcher on duty for the case's
//   region (duty routing, read by an activity at this instant) are told over their
//   preferred channel, in their language: the windows, the reason, where to decide.
// - rescheduleDeclined: the customer is told by SMS, with the dispatcher's reason and the
//   hotline. (An accepted request runs the appointment Update, whose SMS tells the
//   customer the new window and whose `engineer.rescheduled` tells the engineer.)
// Both write a timeline event naming who was told, and queue the messages on the outbox,
// so they are durable and retried. New handlers only: no existing command sequence
// changes, so no patch. Deterministic.
import { setHandler } from '@temporalio/workflow';
import { caseReceipt, type Actor, type CaseState } from '../domain';
import { isRouted, messagePersonId, routingRecord, type RoutedPerson, type Routing } from '../domain/duty';
import { FAILURE } from '../domain/failures';
import { windowsText } from '../domain/notifications';
import type { RescheduleDeclineNotice, RescheduleRequestNotice } from '../domain/rescheduleRequests';
import { reject } from './activities';
import type { CaseCore } from './caseCore';
import { now } from './caseState';
import { rescheduleDeclined, rescheduleRequested } from './definitions';

export class CaseRescheduleRequests {
  /** Requests this run has already handled (`requested-<id>`, `declined-<id>`): a repeated Update tells nobody twice. */
  private readonly handled = new Set<string>();

  constructor(private readonly core: CaseCore) {}

  private get state(): CaseState {
    return this.core.state;
  }

  setup(): void {
    const validator = (_actor: Actor, _notice: unknown) => {
      if (this.core.isClosed()) reject(FAILURE.illegalTransition, `case ${this.state.caseNo} is closed`, { currentStage: this.state.stage });
    };
    setHandler(rescheduleRequested, async (actor: Actor, notice: RescheduleRequestNotice) => caseReceipt(await this.requested(actor, notice)), {
      validator,
    });
    setHandler(rescheduleDeclined, async (actor: Actor, notice: RescheduleDeclineNotice) => caseReceipt(await this.declined(actor, notice)), {
      validator,
    });
  }

  private once(what: string): boolean {
    if (this.handled.has(what)) return false;
    this.handled.add(what);
    return true;
  }

  private async requested(actor: Actor, notice: RescheduleRequestNotice): Promise<CaseState> {
    const { core, state } = this;
    if (!this.once(`requested-${notice.requestId}`)) return state;
    const engineerId = state.engineerId;
    const [duty, engineer] = await Promise.all([
      core.activities.routeToDuty({ roles: ['dispatcher'], region: state.intake.customer.region, at: now() }),
      engineerId ? core.activities.engineerContact({ engineerId }) : Promise.resolve(null),
    ]);
    const dispatcher: Routing = duty[0] ?? { role: 'dispatcher', via: 'none' };
    // The timeline names who was told (no address: the timeline is not a phone book).
    const notified = [
      ...(engineerId
        ? [engineer ? { ...routingRecord(engineer), engineerId } : { role: 'engineer', engineerId, via: 'none', note: 'no phone or address on file' }]
        : []),
      routingRecord(dispatcher),
    ];
    await core.advance(actor, 'reschedule.requested', { requestId: notice.requestId, windows: notice.windows, reason: notice.reason, notified });
    const vars = {
      requestId: notice.requestId,
      product: `${state.intake.product.category} ${state.intake.product.model}`,
      region: state.intake.customer.region ?? '-',
      windows: windowsText(notice.windows, state.sla.policy.calendar.utcOffsetMinutes),
      reason: notice.reason,
    };
    const tell = (p: RoutedPerson, event: 'reschedule.requested' | 'engineer.reschedule_requested') =>
      core.queueMessage(`${state.caseNo}#reschedule-request-${notice.requestId}`, event, p.channel, p.address, vars, p.language, messagePersonId(p));
    if (engineer) tell(engineer, 'engineer.reschedule_requested');
    if (isRouted(dispatcher)) tell(dispatcher, 'reschedule.requested');
    return state;
  }

  private async declined(actor: Actor, notice: RescheduleDeclineNotice): Promise<CaseState> {
    const { core, state } = this;
    if (!this.once(`declined-${notice.requestId}`)) return state;
    const customer = state.intake.customer;
    const notified = customer.phone ? [{ role: 'customer', channel: 'sms', template: 'reschedule.declined', language: customer.language }] : [];
    await core.advance(actor, 'reschedule.declined', { requestId: notice.requestId, reason: notice.reason, notified });
    core.queueMessage(`${state.caseNo}#reschedule-declined-${notice.requestId}`, 'reschedule.declined', 'sms', customer.phone, { reason: notice.reason });
    return state;
  }
}
