// Dispatch (派单): the moves of dispatchers and offered engineers (assign, redispatch,
// accept or decline an offer), the automatic dispatch round that offers the case to
// ranked candidates one at a time, the engineer's contact window, and the SLA's
// level-3 take-back. Deterministic.
import { condition, patched } from '@temporalio/workflow';
import { canPerform, SYSTEM_ACTOR, type Actor, type CaseState } from '../domain';
import type { AcceptOfferBody, AssignBody, DeclineOfferBody, RedispatchBody } from '../domain/schemas';
import { FAILURE } from '../domain/failures';
import { reject } from './activities';
import { clearEngineer, now, type CaseCore } from './caseCore';
import type { Slot } from './timers';
import {
  ENGINEER_MOVE_PATCH,
  ENGINEER_OFFER_PATCH,
  ENGINEER_TAKEBACK_PATCH,
  lossTemplate,
  queueEngineerLoss,
  queueEngineerMove,
  queueOfferMessage,
  tellTakeback,
  type EngineerLosing,
} from './caseMessages';

const MINUTE = 60_000;

/** Marks the runs whose dispatch rounds offer only engineers on shift (or starting within the offer window). */
export const ENGINEER_SHIFT_PATCH = 'engineer-shift-offers';

export class CaseDispatch {
  /** Runs with 'case-one-timer': the offer and contact windows wait on the case's one timer. */
  private readonly window?: Slot;

  constructor(private readonly core: CaseCore) {
    this.window = core.clock?.slot();
  }

  /** As `condition(done, until - now)`: true when `done` held before the instant `until`. */
  private waitUntil(until: number, done: () => boolean): Promise<boolean> {
    return this.window ? this.window.until(until, done) : condition(done, Math.max(0, until - Date.now()));
  }

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

  // What dispatch does by itself ------------------------------------------------------

  /** One dispatch round: rank, then offer candidates one at a time until one accepts. */
  async round(): Promise<void> {
    const { core, state } = this;
    const policy = state.policy;
    const round = ++state.dispatch.round;
    state.dispatch.offeredThisRound = [];
    const c = state.intake.customer;
    const ranking = await core.activities.rankCandidates({
      category: state.intake.product.category,
      region: c.region,
      lat: c.lat,
      lng: c.lng,
      priority: state.priority,
      vip: c.tier === 'vip',
      exclude: state.dispatch.excluded,
      preferred: state.dispatch.preferred,
      at: now(),
      // Only engineers on shift, or starting within the offer window (domain/engineerHours).
      ...(patched(ENGINEER_SHIFT_PATCH) ? { offerWindowMinutes: policy.offerWindowMinutes[state.priority] } : {}),
    });
    state.dispatch.lastRanking = ranking.candidates.slice(0, 10);
    const ranked = {
      round,
      weights: ranking.weights,
      candidates: ranking.candidates.slice(0, 10).map((k) => ({ engineerId: k.engineerId, name: k.name, score: k.score, reasons: k.reasons })),
      filteredOut: ranking.filtered,
    };
    if (core.folds && state.stage === 'accepted' && (ranking.candidates.length === 0 || policy.maxCandidates <= 0)) {
      // No one to offer: the ranking and the exhaustion are one write (MOVE_FOLDS_PATCH).
      await core.move(SYSTEM_ACTOR, 'dispatch.exhausted', { round, offers: 0, ranked: ranking.candidates.length }, () => 'manual_dispatch', undefined, {
        before: [{ type: 'dispatch.ranked', data: ranked }],
      });
      return;
    }
    await core.advance(SYSTEM_ACTOR, 'dispatch.ranked', ranked);
    let offers = 0;
    for (const candidate of ranking.candidates) {
      if (state.stage !== 'accepted') return; // assigned by hand or cancelled meanwhile
      if (offers >= policy.maxCandidates) break;
      if (state.dispatch.offeredThisRound.includes(candidate.engineerId)) continue;
      const claim = await core.activities.claimEngineer({ engineerId: candidate.engineerId, caseNo: state.caseNo, kind: 'offered' });
      if (state.stage !== 'accepted') {
        if (claim.ok) await core.activities.releaseEngineer({ caseNo: state.caseNo, engineerId: candidate.engineerId });
        return;
      }
      if (!claim.ok) {
        await core.advance(SYSTEM_ACTOR, 'offer.skipped', { engineerId: candidate.engineerId, reason: claim.reason, round });
        continue;
      }
      offers++;
      state.dispatch.offeredThisRound.push(candidate.engineerId);
      const windowMs = policy.offerWindowMinutes[state.priority] * MINUTE;
      const offeredAt = now();
      const tell = patched(ENGINEER_OFFER_PATCH);
      await core.advance(
        SYSTEM_ACTOR,
        'offer.sent',
        {
          engineerId: candidate.engineerId,
          round,
          score: candidate.score,
          windowMinutes: windowMs / MINUTE,
          ...(tell ? { template: 'engineer.offered' } : {}),
        },
        (s) => {
          s.offer = {
            engineerId: claim.engineer.id,
            engineerName: claim.engineer.name,
            engineerBadgeNo: claim.engineer.badgeNo,
            engineerPhone: claim.engineer.phone,
            engineerLanguage: claim.engineer.language,
            engineerPersonId: claim.engineer.personId,
            round,
            offeredAt,
            expiresAt: new Date(Date.parse(offeredAt) + windowMs).toISOString(),
          };
          return 'offered';
        },
      );
      if (tell && state.offer?.engineerId === candidate.engineerId && state.offer.round === round) await queueOfferMessage(core, state.offer);
      const gone = () => state.stage !== 'offered' || state.offer?.engineerId !== candidate.engineerId;
      const answered = this.window ? await this.waitUntil(Date.parse(offeredAt) + windowMs, gone) : await condition(gone, windowMs);
      if (!answered) {
        await core.advance(SYSTEM_ACTOR, 'offer.expired', { engineerId: candidate.engineerId, round }, (s) => {
          s.offer = undefined;
          return 'accepted';
        });
        await core.activities.releaseEngineer({ caseNo: state.caseNo, engineerId: candidate.engineerId });
      }
    }
    if (state.stage === 'accepted') {
      await core.advance(SYSTEM_ACTOR, 'dispatch.exhausted', { round, offers, ranked: ranking.candidates.length }, () => 'manual_dispatch');
    }
  }

  /** After accepting, the engineer must record contact in time or the case is re-dispatched. */
  async contactWindow(): Promise<void> {
    const { core, state } = this;
    const policy = state.policy;
    const engineerId = state.engineerId;
    const since = Date.parse(state.acceptedAt ?? now());
    const lapse = since + policy.contactWindowMinutes * MINUTE;
    const moved = await this.waitUntil(lapse, () => state.stage !== 'dispatched' || state.engineerId !== engineerId);
    if (moved) return;
    const told = tellTakeback(core);
    await core.advance(
      SYSTEM_ACTOR,
      'contact.window_lapsed',
      { engineerId, windowMinutes: policy.contactWindowMinutes, escalatedTo: 'dispatcher', ...told.notified },
      (s) => {
        if (engineerId) s.dispatch.excluded.push(engineerId);
        clearEngineer(s);
        return 'accepted';
      },
    );
    told.send();
    await core.letGo(engineerId, false);
  }

  /** SLA level 3 on a dispatch clock of a held case: the offer or the engineer is taken back, dispatch runs again. */
  async takeFromEngineer(reason: string): Promise<void> {
    const { core, state } = this;
    if (state.stage === 'offered' && state.offer) {
      const offered = state.offer.engineerId;
      const told = tellTakeback(core);
      await core.advance(SYSTEM_ACTOR, 'offer.withdrawn', { engineerId: offered, reason, ...told.notified }, (s) => {
        s.offer = undefined;
        return 'accepted';
      });
      told.send();
      await core.activities.releaseEngineer({ caseNo: state.caseNo, engineerId: offered });
    } else if (state.stage === 'dispatched') {
      const engineerId = state.engineerId;
      const told = tellTakeback(core);
      await core.advance(SYSTEM_ACTOR, 'dispatch.restarted', { reason, previousEngineerId: engineerId, ...told.notified }, (s) => {
        if (engineerId) s.dispatch.excluded.push(engineerId);
        clearEngineer(s);
        return 'accepted';
      });
      told.send();
      await core.letGo(engineerId, false);
    }
  }
}
