// The ranking rules alone: hard filters, weights, tie-breaks, the rating update.
import { haversineKm, nextRating, rankEngineers, type EngineerProfile } from '../../domain';

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

test('hard filters say why each engineer was left out', () => {
  const r = rankEngineers(
    [
      { ...base, id: 'ok' },
      { ...base, id: 'off', active: false },
      { ...base, id: 'ex' },
      { ...base, id: 'far-region', regions: ['R2'] },
      { ...base, id: 'tv', skills: [{ category: 'tv', level: 3 }] },
      { ...base, id: 'full', openCases: 4 },
      { ...base, id: 'weekend', workingHours: { ...base.workingHours, days: [6, 7] } },
    ],
    { ...req, exclude: ['ex'] },
  );
  expect(r.candidates.map((c) => c.engineerId)).toEqual(['ok']);
  expect(r.filtered).toEqual({ inactive: ['off'], excluded: ['ex'], region: ['far-region'], skill: ['tv'], capacity: ['full'], off_day: ['weekend'] });
});

test('nearer, less loaded, better rated and more skilled rank higher; ties by id', () => {
  const near = { ...base, id: 'near' };
  const far = { ...base, id: 'far', homeLat: 31.4, homeLng: 121.7 };
  const busy = { ...base, id: 'busy', openCases: 3 };
  const twin = { ...base, id: 'a-twin' };
  const r = rankEngineers([far, busy, near, twin], req);
  expect(r.candidates.map((c) => c.engineerId)).toEqual(['a-twin', 'near', 'busy', 'far']);
});

test('VIP or P1 shifts weight from workload to rating', () => {
  const loadedStar = { ...base, id: 'star', rating: 5, openCases: 3 };
  const idleAverage = { ...base, id: 'avg', rating: 3.5, openCases: 0 };
  expect(rankEngineers([loadedStar, idleAverage], req).candidates[0]!.engineerId).toBe('avg');
  expect(rankEngineers([loadedStar, idleAverage], { ...req, vip: true }).candidates[0]!.engineerId).toBe('star');
  expect(rankEngineers([loadedStar, idleAverage], { ...req, priority: 'P1' }).candidates[0]!.engineerId).toBe('star');
});

test('the preferred engineer (rework) comes first', () => {
  const r = rankEngineers(
    [
      { ...base, id: 'best', rating: 5 },
      { ...base, id: 'prev', rating: 3, homeLat: 31.3 },
    ],
    { ...req, preferred: 'prev' },
  );
  expect(r.candidates[0]).toMatchObject({ engineerId: 'prev', reasons: expect.arrayContaining(['preferred: did the earlier repair']) });
});

test('haversine: Shanghai People’s Square to Pudong airport is about 33 km', () => {
  expect(haversineKm(31.2304, 121.4737, 31.1443, 121.8083)).toBeCloseTo(33.3, 0);
});

test('ratings move from a weighted prior', () => {
  expect(nextRating(4.5, 0, 5)).toEqual({ rating: 4.583, count: 1 });
  expect(nextRating(4.5, 95, 1)).toEqual({ rating: 4.465, count: 96 });
});
