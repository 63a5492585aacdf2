// A realistic demo roster: 36 engineers across three Shanghai service regions, with
// skills in five product categories. Deterministic, so the README walk-through and
// the tests can say which engineer dispatch will pick.
import type { EngineerInput } from '../domain/schemas';

const REGIONS = [
  { code: 'SH-PD', name: 'Pudong', lat: 31.2213, lng: 121.5447 },
  { code: 'SH-XH', name: 'Xuhui', lat: 31.1884, lng: 121.4365 },
  { code: 'SH-MH', name: 'Minhang', lat: 31.1128, lng: 121.3817 },
] as const;
const CATEGORIES = ['air_conditioner', 'washing_machine', 'refrigerator', 'water_heater', 'tv'] as const;
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙'];
// Every engineer works every day (early or late band): the walk-through does not depend on the weekday.
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
// The walk-through's two engineers are on call around the clock (start = end: 24 hours):
// offers reach only engineers on shift, and the README's offer, decline, accept and
// booking must work whatever the hour a new user tries them.
export const DEMO_ON_CALL = ['E006', 'E011'];
const ON_CALL_HOURS = { days: EVERY_DAY, start: '00:00', end: '00:00' };
const GIVEN = ['伟', '强', '磊', '军', '洋', '勇', '杰', '涛', '明', '超', '华', '斌'];

export function demoRoster(): EngineerInput[] {
  const out: EngineerInput[] = [];
  REGIONS.forEach((region, r) => {
    for (let i = 0; i < 12; i++) {
      const n = r * 12 + i + 1;
      const id = `E${String(n).padStart(3, '0')}`;
      const primary = CATEGORIES[i % CATEGORIES.length]!;
      const secondary = CATEGORIES[(i + 2) % CATEGORIES.length]!;
      // Homes spread on a small grid around the region centre (about ±6 km).
      const dLat = (((i * 7) % 11) - 5) * 0.011;
      const dLng = (((i * 5) % 11) - 5) * 0.013;
      out.push({
        id,
        // Unique names: same surname every 12, a different given name each time.
        name: `${SURNAMES[(n - 1) % SURNAMES.length]}${GIVEN[(n - 1 + 5 * r) % GIVEN.length]}`,
        badgeNo: `SH-${region.code.slice(3)}-${String(1000 + n)}`,
        phone: `+86 139 ${String(1000 + n).padStart(4, '0')} ${String(8000 + n)}`,
        skills: [
          { category: primary, level: 1 + (i % 3) },
          { category: secondary, level: 1 + ((i + 1) % 2) },
        ],
        home: { lat: Math.round((region.lat + dLat) * 1e4) / 1e4, lng: Math.round((region.lng + dLng) * 1e4) / 1e4 },
        // Every third engineer also covers the neighbouring region.
        regions: i % 3 === 0 ? [region.code, REGIONS[(r + 1) % REGIONS.length]!.code] : [region.code],
        // Early (08-20) and late (09-21) bands; the on-call engineers 24 hours.
        workingHours: DEMO_ON_CALL.includes(id)
          ? ON_CALL_HOURS
          : i % 2 === 1
            ? { days: EVERY_DAY, start: '09:00', end: '21:00' }
            : { days: EVERY_DAY, start: '08:00', end: '20:00' },
        maxOpenCases: 4 + (i % 3),
        active: true,
        rating: Math.round((4 + ((n * 7) % 10) / 10) * 10) / 10,
      });
    }
  });
  return out;
}

export const DEMO_REGIONS = REGIONS;
