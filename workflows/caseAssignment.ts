// Assignment: who the case is with, by people's moves: a dispatcher assigns or
// redispatches it, an offered engineer accepts or declines the offer (the engineers who
// lose it are told). What dispatch does by itself is caseDispatch.ts. Deterministic.
import { patched } from '@temporalio/workflow';
import { canPerform, type Actor, type CaseState } from '../domain';
import type { AcceptOfferBody, AssignBody, DeclineOfferBody, RedispatchBody } from '../domain/schemas';
import { FAILURE } from '../domain/failures';
import { reject } from './activities';
import type { CaseCore } from './caseCore';
import { clearEngineer, now } from './caseState';
import { ENGINEER_MOVE_PATCH, ENGINEER_TAKEBACK_PATCH, lossTemplate, queueEngineerLoss, queueEngineerMove, type EngineerLosing } from './caseMessages';

export class CaseAssignment {
  constructor(private readonly core: CaseCore) {}

  private get state(): CaseState {
    return this.core.state;
  }

  setup(): void {
    this.core.on<AssignBody>('assign', (actor, body) => this.assign(actor, body));
    this.core.on<RedispatchBody>('redispatch', (actor, body) => this.redispatch(actor, body));
    this.core.on<AcceptOfferBody>('acceptOffer', (actor, body) => this.acceptOffer(actor, body));
    this.core.on<DeclineOfferBody>('declineOffer', (actor, body) => this.declineOffer(actor, body));
  }

  // Moves ---------------------------------------------------------------------------

  private async assign(actor: Actor, body: AssignBody): Promise<CaseState> {
    const { core, state } = this;
    const claim = await core.activities.claimEngineer({ engineerId: body.engineerId, caseNo: state.caseNo, kind: 'assigned', force: true });
    if (!claim.ok) {
      reject(FAILURE.invalid, `engineer ${body.engineerId} is ${claim.reason}`, {
        fields: [{ path: 'body.engineerId', message: `engineer is ${claim.reason}` }],
      });
    }
    if (!canPerform('assign', state.stage)) {
      if (body.engineerId !== state.engineerId) await core.activities.releaseEngineer({ caseNo: state.caseNo, engineerId: body.engineerId });
      core.guard('assign', actor);
    }
    const previous = state.engineerId;
    const offered = state.offer?.engineerId;
    const hadBooking = !!state.appointment && previous !== body.engineerId;
    const tell = patched(ENGINEER_MOVE_PATCH);
    const moved = previous !== undefined && previous !== body.engineerId;
    const losing: EngineerLosing | undefined = moved
      ? {
          id: previous,
          phone: state.engineerPhone,
          language: state.engineerLanguage,
          personId: state.engineerPersonId,
          visitStart: hadBooking ? state.appointment?.start : undefined,
        }
      : undefined;
    // An open offer to someone else closes with this assignment: that engineer is told (new runs).
    const closedOffer = state.offer && offered !== body.engineerId ? { ...state.offer } : undefined;
    const takeback = tell && (!!closedOffer || !!losing?.visitStart) && patched(ENGINEER_TAKEBACK_PATCH);
    const notified = [
      ...(previous !== body.engineerId ? [{ engineerId: body.engineerId, template: 'engineer.case_assigned' }] : []),
      ...(losing ? [{ engineerId: losing.id, template: lossTemplate(losing, takeback) }] : []),
      ...(closedOffer && takeback ? [{ engineerId: closedOffer.engineerId, template: 'engineer.offer_withdrawn' }] : []),
    ];
    const seq = state.eventSeq;
    await core.advance(
      actor,
      previous ? 'engineer.reassigned' : 'engineer.assigned',
      { engineerId: body.engineerId, note: body.note, previousEngineerId: previous, manual: true, ...(tell ? { notified } : {}) },
      (s) => {
        if (previous !== body.engineerId) clearEngineer(s);
        s.offer = undefined;
        s.engineerId = claim.engineer.id;
        s.engineerName = claim.engineer.name;
        s.engineerBadgeNo = claim.engineer.badgeNo;
        s.engineerPhone = claim.engineer.phone;
        s.engineerLanguage = claim.engineer.language;
        s.engineerPersonId = claim.engineer.personId;
        s.acceptedAt = now();
        return 'dispatched';
      },
    );
    if (tell) {
      const { id, phone, language, personId } = claim.engineer;
      if (previous !== body.engineerId) queueEngineerMove(core, 'engineer.case_assigned', { id, phone, language, personId }, seq);
      if (losing) queueEngineerLoss(core, losing, seq, takeback);
      if (closedOffer && takeback) {
        const { engineerId: offeredId, engineerPhone: offeredPhone, engineerLanguage: language, engineerPersonId: personId } = closedOffer;
        queueEngineerMove(core, 'engineer.offer_withdrawn', { id: offeredId, phone: offeredPhone, language, personId }, seq);
      }
    }
    for (const other of [previous, offered]) {
      if (other && other !== body.engineerId) await core.activities.releaseEngineer({ caseNo: state.caseNo, engineerId: other });
    }
    if (hadBooking) await core.activities.closeBookings({ caseNo: state.caseNo, status: 'cancelled' });
    return state;
  }

  private async redispatch(actor: Actor, body: RedispatchBody): Promise<CaseState> {
    const previous = this.state.engineerId;
    const hadBooking = !!this.state.appointment;
    const losing: EngineerLosing | undefined = previous
      ? {
          id: previous,
          phone: this.state.engineerPhone,
          language: this.state.engineerLanguage,
          personId: this.state.engineerPersonId,
          visitStart: this.state.appointment?.start,
        }
      : undefined;
    const tell = patched(ENGINEER_MOVE_PATCH) && losing !== undefined;
    // New runs say whether a booked visit is cancelled with the case.
    const takeback = tell && hadBooking && patched(ENGINEER_TAKEBACK_PATCH);
    const seq = this.state.eventSeq;
    const notified = tell ? { notified: [{ engineerId: previous, template: lossTemplate(losing, takeback) }] } : {};
    await this.core.advance(actor, 'dispatch.restarted', { reason: body.reason, previousEngineerId: previous, ...notified }, (s) => {
      if (previous) s.dispatch.excluded.push(previous);
      clearEngineer(s);
      return 'accepted';
    });
    if (tell && losing) queueEngineerLoss(this.core, losing, seq, takeback);
    await this.core.letGo(previous, hadBooking);
    return this.state;
  }

  private async acceptOffer(actor: Actor, body: AcceptOfferBody): Promise<CaseState> {
    const { core, state } = this;
    const offer = state.offer!;
    await core.activities.claimEngineer({ engineerId: offer.engineerId, caseNo: state.caseNo, kind: 'assigned', force: true });
    if (state.stage !== 'offered' || state.offer?.engineerId !== offer.engineerId) {
      // The offer expired or was overridden while the slot was being taken.
      await core.activities.releaseEngineer({ caseNo: state.caseNo, engineerId: offer.engineerId });
      reject(FAILURE.illegalTransition, 'the offer is no longer open', { currentStage: state.stage });
    }
    await core.advance(actor, 'offer.accepted', { engineerId: offer.engineerId, round: offer.round, note: body.note }, (s) => {
      s.offer = undefined;
      s.engineerId = offer.engineerId;
      s.engineerName = offer.engineerName;
      s.engineerBadgeNo = offer.engineerBadgeNo;
      s.engineerPhone = offer.engineerPhone;
      s.engineerLanguage = offer.engineerLanguage;
      s.engineerPersonId = offer.engineerPersonId;
      s.acceptedAt = now();
      return 'dispatched';
    });
    return state;
  }

  private async declineOffer(actor: Actor, body: DeclineOfferBody): Promise<CaseState> {
    const offer = this.state.offer!;
    await this.core.advance(actor, 'offer.declined', { engineerId: offer.engineerId, round: offer.round, reason: body.reason }, (s) => {
      s.offer = undefined;
      return 'accepted';
    });
    await this.core.activities.releaseEngineer({ caseNo: this.state.caseNo, engineerId: offer.engineerId });
    return this.state;
  }
}
