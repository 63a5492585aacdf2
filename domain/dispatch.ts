// Dispatch rules: the policy windows and the candidate ranking. Pure: the dispatch
// activity feeds it engineers from PostgreSQL; tests and docs read the same numbers.
import { availableForOffer } from './engineerHours';
import type { Priority } from './schemas';

export interface DispatchPolicy {
  /** How long an engineer has to accept or decline an offer, per priority. */
  offerWindowMinutes: Record<Priority, number>;
  /** After accepting, the engineer must record contact with the customer within this. */
  contactWindowMinutes: number;
  /** Reschedules allowed per requester before the case must be handled by a dispatcher. */
  maxReschedules: number;
  /** Candidates offered per dispatch round before the case goes to the manual queue. */
  maxCandidates: number;
}

/** Per-deployment overrides (DISPATCH_POLICY); unset fields keep the defaults. */
export type DispatchPolicyOverrides = Partial<Omit<DispatchPolicy, 'offerWindowMinutes'>> & {
  offerWindowMinutes?: Partial<Record<Priority, number>>;
};

export const DEFAULT_DISPATCH_POLICY: DispatchPolicy = {
  offerWindowMinutes: { P1: 10, P2: 20, P3: 30, P4: 30 },
  contactWindowMinutes: 30,
  maxReschedules: 3,
  maxCandidates: 5,
};

export interface SkillLevel {
  category: string;
  /** 1 = junior, 2 = certified, 3 = senior. */
  level: number;
}

/**
 * The engineer's weekly shift, read as a duty shift (domain/engineerHours.ts): from
 * `start` to `end` ("HH:MM") on each of `days`; overnight when `end` is at or before
 * `start`, 24 hours when they are equal.
 */
export interface WorkingHours {
  /** ISO weekdays the engineer's shift starts on: 1 = Monday .. 7 = Sunday. */
  days: number[];
  start: string; // "08:00"
  end: string; // "20:00"
}

export interface EngineerProfile {
  id: string;
  name: string;
  badgeNo: string;
  skills: SkillLevel[];
  homeLat: number | null;
  homeLng: number | null;
  regions: string[];
  workingHours: WorkingHours;
  maxOpenCases: number;
  active: boolean;
  rating: number;
  /** Open cases held or offered right now. */
  openCases: number;
}

export interface DispatchRequest {
  category: string;
  region?: string;
  lat?: number;
  lng?: number;
  priority: Priority;
  vip: boolean;
  /** Engineers never to offer this round (already offered, no-show, missed contact). */
  exclude: string[];
  /** Preferred engineer (rework: the one who did the repair). */
  preferred?: string;
  /** ISO weekday of the service day in the service time zone. */
  weekday: number;
  /**
   * The offer's instant and window: when given, only engineers on shift now or whose
   * shift starts within the window are offered (`off_shift`); without it (rounds of runs
   * recorded before the rule) only the weekday counts (`off_day`).
   */
  shift?: { at: number; windowMs: number; utcOffsetMinutes: number };
}

export type FilterReason = 'inactive' | 'excluded' | 'region' | 'skill' | 'capacity' | 'off_day' | 'off_shift';

export interface RankedCandidate {
  engineerId: string;
  name: string;
  score: number;
  distanceKm: number | null;
  openCases: number;
  maxOpenCases: number;
  rating: number;
  skillLevel: number;
  reasons: string[];
}

export interface Ranking {
  candidates: RankedCandidate[];
  filtered: Partial<Record<FilterReason, string[]>>;
  weights: ScoreWeights;
}

export interface ScoreWeights {
  distance: number;
  workload: number;
  rating: number;
  skill: number;
}

/** VIP customers and P1 cases weigh toward the best-rated and nearest engineer. */
export function scoreWeightsFor(priority: Priority, vip: boolean): ScoreWeights {
  return vip || priority === 'P1' ? { distance: 0.4, workload: 0.1, rating: 0.4, skill: 0.1 } : { distance: 0.35, workload: 0.25, rating: 0.25, skill: 0.15 };
}

/** Great-circle distance in kilometres. */
export function haversineKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Beyond this distance the distance score is zero. */
const DISTANCE_CAP_KM = 50;
const PREFERRED_BONUS = 1;

function filterReason(e: EngineerProfile, req: DispatchRequest): FilterReason | undefined {
  if (!e.active) return 'inactive';
  if (req.exclude.includes(e.id)) return 'excluded';
  if (req.region && !e.regions.includes(req.region)) return 'region';
  if (!e.skills.some((s) => s.category === req.category)) return 'skill';
  if (e.openCases >= e.maxOpenCases) return 'capacity';
  if (req.shift) {
    if (!availableForOffer(e.workingHours, req.shift.at, req.shift.windowMs, req.shift.utcOffsetMinutes)) return 'off_shift';
  } else if (!e.workingHours.days.includes(req.weekday)) return 'off_day';
  return undefined;
}

/** Hard filters, then a weighted score; best first, ties broken by id for determinism. */
export function rankEngineers(engineers: EngineerProfile[], req: DispatchRequest): Ranking {
  const weights = scoreWeightsFor(req.priority, req.vip);
  const filtered: Ranking['filtered'] = {};
  const candidates: RankedCandidate[] = [];
  for (const e of engineers) {
    const out = filterReason(e, req);
    if (out) {
      (filtered[out] ??= []).push(e.id);
      continue;
    }
    const skillLevel = Math.max(...e.skills.filter((s) => s.category === req.category).map((s) => s.level));
    const distanceKm =
      req.lat != null && req.lng != null && e.homeLat != null && e.homeLng != null ? haversineKm(req.lat, req.lng, e.homeLat, e.homeLng) : null;
    const parts = {
      distance: distanceKm == null ? 0.5 : 1 - Math.min(distanceKm, DISTANCE_CAP_KM) / DISTANCE_CAP_KM,
      workload: 1 - e.openCases / e.maxOpenCases,
      rating: Math.max(0, Math.min(1, (e.rating - 1) / 4)),
      skill: Math.min(skillLevel, 3) / 3,
    };
    let score = weights.distance * parts.distance + weights.workload * parts.workload + weights.rating * parts.rating + weights.skill * parts.skill;
    const reasons = [
      distanceKm == null ? 'distance unknown' : `${distanceKm.toFixed(1)} km away`,
      `${e.openCases}/${e.maxOpenCases} open cases`,
      `rating ${e.rating.toFixed(2)}`,
      `${req.category} level ${skillLevel}`,
    ];
    if (req.preferred === e.id) {
      score += PREFERRED_BONUS;
      reasons.push('preferred: did the earlier repair');
    }
    candidates.push({
      engineerId: e.id,
      name: e.name,
      score: Math.round(score * 1000) / 1000,
      distanceKm: distanceKm == null ? null : Math.round(distanceKm * 10) / 10,
      openCases: e.openCases,
      maxOpenCases: e.maxOpenCases,
      rating: e.rating,
      skillLevel,
      reasons,
    });
  }
  candidates.sort((a, b) => b.score - a.score || a.engineerId.localeCompare(b.engineerId));
  return { candidates, filtered, weights };
}

/** The starting rating counts as this many ratings, so one early rating cannot swing it. */
export const RATING_PRIOR_WEIGHT = 5;

/** The new rating after a customer's 1-5 rating: a running mean that starts from the prior. */
export function nextRating(rating: number, count: number, given: number): { rating: number; count: number } {
  const weight = count + RATING_PRIOR_WEIGHT;
  const next = (rating * weight + given) / (weight + 1);
  return { rating: Math.round(next * 1000) / 1000, count: count + 1 };
}
