// Dispatch (派单) as it runs by itself: the automatic dispatch round that offers the case
// to ranked candidates one at a time, the engineer's contact window, and the SLA's
// level-3 take-back. People's moves (assign, redispatch, answer an offer) are
// caseAssignment.ts. Deterministic.
import { condition, patched } from '@temporalio/workflow';
import { SYSTEM_ACTOR, type CaseState } from '../domain';
import type { CaseCore } from './caseCore';
import { clearEngineer, now } from './caseState';
import type { Slot } from './timers';
import { ENGINEER_OFFER_PATCH, queueOfferMessage, tellTakeback } from './caseMessages';

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
