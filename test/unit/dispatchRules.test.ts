// Dispatch rules beyond test/domain/dispatch.test.ts: the policy defaults, the weights,
// scores worked out by hand, missing locations and the rating update.
import {
  DEFAULT_DISPATCH_POLICY,
  haversineKm,
  nextRating,
  RATING_PRIOR_WEIGHT,
  rankEngineers,
  scoreWeightsFor,
  type EngineerProfile,
} from '../../domain/dispatch';

const base: EngineerProfile = {
  id: 'E1',
  name: 'A',
  badgeNo: 'B1',
  skills: [{ category: 'ac', level: 2 }],
  homeLat: 31.23,
  homeLng: 121.47,
  regions: ['R1'],
  workingHours: { days: [1, 2, 3, 4, 5], start: '08:00', end: '20:00' },
  maxOpenCases: 4,
  active: true,
  rating: 4.5,
  openCases: 0,
};
const req = { category: 'ac', region: 'R1', lat: 31.23, lng: 121.47, priority: 'P3' as const, vip: false, exclude: [], weekday: 2 };

test('the default windows and limits (README: offer 10/20/30/30 min, contact 30 min)', () => {
  expect(DEFAULT_DISPATCH_POLICY).toEqual({
    offerWindowMinutes: { P1: 10, P2: 20, P3: 30, P4: 30 },
    contactWindowMinutes: 30,
    maxReschedules: 3,
    maxCandidates: 5,
  });
});

test('weights: VIP or P1 toward distance and rating; otherwise workload counts more', () => {
  const urgent = { distance: 0.4, workload: 0.1, rating: 0.4, skill: 0.1 };
  const normal = { distance: 0.35, workload: 0.25, rating: 0.25, skill: 0.15 };
  expect(scoreWeightsFor('P1', false)).toEqual(urgent);
  expect(scoreWeightsFor('P3', true)).toEqual(urgent);
  expect(scoreWeightsFor('P2', false)).toEqual(normal);
  expect(scoreWeightsFor('P4', false)).toEqual(normal);
});

test('a score worked out by hand, with the reasons people read', () => {
  // Same place (distance 1), 1 of 4 open (workload 0.75), rating 4 → 0.75, level 2 → 2/3.
  // 0.35·1 + 0.25·0.75 + 0.25·0.75 + 0.15·(2/3) = 0.825
  const r = rankEngineers([{ ...base, openCases: 1, rating: 4 }], req);
  expect(r.weights).toEqual(scoreWeightsFor('P3', false));
  expect(r.filtered).toEqual({});
  expect(r.candidates).toEqual([
    {
      engineerId: 'E1',
      name: 'A',
      score: 0.825,
      distanceKm: 0,
      openCases: 1,
      maxOpenCases: 4,
      rating: 4,
      skillLevel: 2,
      reasons: ['0.0 km away', '1/4 open cases', 'rating 4.00', 'ac level 2'],
    },
  ]);
});

test('distance: 25 km is half the distance score, 50 km and beyond none; unknown is half', () => {
  // 0.225° of latitude ≈ 25.02 km.
  const at = (km: number) => ({ ...base, id: `d${km}`, homeLat: 31.23 + km / 111.195 });
  const score = (e: EngineerProfile, over = {}) => rankEngineers([e], { ...req, ...over }).candidates[0]!;
  const rest = 0.25 * 1 + 0.25 * 0.875 + 0.15 * (2 / 3); // workload 1, rating 4.5 → 0.875, level 2
  expect(score(at(25)).score).toBeCloseTo(0.35 * 0.5 + rest, 3);
  expect(score(at(25)).distanceKm).toBe(25);
  expect(score(at(50)).score).toBeCloseTo(rest, 3);
  expect(score(at(80)).score).toBeCloseTo(rest, 3);
  expect(score(at(80)).reasons[0]).toBe('80.0 km away');
  const noHome = score({ ...base, homeLat: null, homeLng: null });
  expect(noHome).toMatchObject({ distanceKm: null, reasons: expect.arrayContaining(['distance unknown']) });
  expect(noHome.score).toBeCloseTo(0.35 * 0.5 + rest, 3);
  expect(score(base, { lat: undefined }).distanceKm).toBeNull();
  expect(score(base, { lng: undefined }).distanceKm).toBeNull();
  expect(score({ ...base, homeLng: null }).distanceKm).toBeNull();
  expect(score({ ...base, homeLat: null }).distanceKm).toBeNull();
});

test('ratings and skills are clamped: above 5 counts as 5, below 1 as 1, level above 3 as 3', () => {
  const score = (e: Partial<EngineerProfile>) => rankEngineers([{ ...base, ...e }], req).candidates[0]!.score;
  expect(score({ rating: 6 })).toBe(score({ rating: 5 }));
  expect(score({ rating: 0 })).toBe(score({ rating: 1 }));
  expect(score({ rating: 5 })).toBeGreaterThan(score({ rating: 4 }));
  expect(score({ skills: [{ category: 'ac', level: 5 }] })).toBe(score({ skills: [{ category: 'ac', level: 3 }] }));
  expect(score({ skills: [{ category: 'ac', level: 3 }] })).toBeGreaterThan(score({ skills: [{ category: 'ac', level: 2 }] }));
});

test('the best matching skill level counts, other categories do not', () => {
  const r = rankEngineers(
    [
      {
        ...base,
        skills: [
          { category: 'ac', level: 1 },
          { category: 'tv', level: 3 },
          { category: 'ac', level: 2 },
        ],
      },
    ],
    req,
  );
  expect(r.candidates[0]!.skillLevel).toBe(2);
});

test('no region asked: every region serves; capacity is full at maxOpenCases', () => {
  const r = rankEngineers([{ ...base, regions: ['R9'] }], { ...req, region: undefined });
  expect(r.candidates).toHaveLength(1);
  expect(rankEngineers([{ ...base, openCases: 3 }], req).candidates).toHaveLength(1);
  expect(rankEngineers([{ ...base, openCases: 4 }], req).filtered).toEqual({ capacity: ['E1'] });
});

test('filters go in order: the first reason that applies is the one reported', () => {
  const r = rankEngineers(
    [
      { ...base, id: 'a', active: false, regions: ['R2'] },
      { ...base, id: 'b', regions: ['R2'], skills: [] },
      { ...base, id: 'c', skills: [], openCases: 9 },
      { ...base, id: 'd', openCases: 9, workingHours: { ...base.workingHours, days: [6] } },
    ],
    { ...req, exclude: ['b'] },
  );
  expect(r.filtered).toEqual({ inactive: ['a'], excluded: ['b'], skill: ['c'], capacity: ['d'] });
});

test('equal scores are ordered by id; a higher score first', () => {
  const r = rankEngineers(
    [
      { ...base, id: 'b' },
      { ...base, id: 'a' },
      { ...base, id: 'c', rating: 5 },
    ],
    req,
  );
  expect(r.candidates.map((c) => c.engineerId)).toEqual(['c', 'a', 'b']);
});

test('great-circle distance', () => {
  expect(haversineKm(31.23, 121.47, 31.23, 121.47)).toBe(0);
  // One degree of latitude is about 111.2 km; Beijing to Shanghai about 1068 km.
  expect(haversineKm(0, 0, 1, 0)).toBeCloseTo(111.19, 1);
  expect(haversineKm(0, 0, 0, 1)).toBeCloseTo(111.19, 1);
  expect(haversineKm(39.9042, 116.4074, 31.2304, 121.4737)).toBeCloseTo(1067.3, 0);
  expect(haversineKm(0, 0, 0, 180)).toBeCloseTo(20015.1, 0);
});

test('ratings: a running mean from a prior of five ratings, rounded to three places', () => {
  expect(RATING_PRIOR_WEIGHT).toBe(5);
  expect(nextRating(4, 0, 1)).toEqual({ rating: 3.5, count: 1 });
  expect(nextRating(4, 5, 5)).toEqual({ rating: 4.091, count: 6 });
});
