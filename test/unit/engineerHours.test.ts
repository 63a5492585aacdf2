// Engineers on the duty model (domain/engineerHours.ts, domain/dispatch.ts): who may be
// offered a case at an instant (on shift, or starting within the offer window) and
// whether a visit slot fits the engineer's hours and the customer's preferred windows.
// Instants are written in Shanghai time (UTC+8); 2026-11-30 is a Monday.
import { rankEngineers, type EngineerProfile } from '../../domain/dispatch';
import { availableForOffer, checkBookingSlot, coversThroughout, describeHours } from '../../domain/engineerHours';

const CST = 480;
const at = (local: string) => Date.parse(`${local}+08:00`);
const iso = (local: string) => new Date(at(local)).toISOString();
const MIN = 60_000;
const DAY_SHIFT = { days: [1, 2, 3, 4, 5], start: '08:00', end: '22:00' };
const NIGHT_SHIFT = { days: [1], start: '22:00', end: '06:00' };
const ALWAYS = { days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' };

describe('offers go to engineers on shift, or whose shift starts within the offer window', () => {
  test('the shift boundary: an offer at 21:59 reaches the day shift, one at 22:00 does not', () => {
    expect(availableForOffer(DAY_SHIFT, at('2026-11-30T21:59:00'), 20 * MIN, CST)).toBe(true);
    expect(availableForOffer(DAY_SHIFT, at('2026-11-30T21:59:59'), 20 * MIN, CST)).toBe(true);
    expect(availableForOffer(DAY_SHIFT, at('2026-11-30T22:00:00'), 20 * MIN, CST)).toBe(false);
    // The night shift is the other way round.
    expect(availableForOffer(NIGHT_SHIFT, at('2026-11-30T21:59:00'), 0, CST)).toBe(false);
    expect(availableForOffer(NIGHT_SHIFT, at('2026-11-30T22:00:00'), 0, CST)).toBe(true);
    expect(availableForOffer(NIGHT_SHIFT, at('2026-12-01T05:59:00'), 0, CST)).toBe(true);
    expect(availableForOffer(NIGHT_SHIFT, at('2026-12-01T06:00:00'), 0, CST)).toBe(false);
  });

  test('a shift starting within the window counts; one starting after it does not', () => {
    // 07:50 with a 10-minute window: the shift starts at 08:00, the window's last instant.
    expect(availableForOffer(DAY_SHIFT, at('2026-11-30T07:50:00'), 10 * MIN, CST)).toBe(true);
    expect(availableForOffer(DAY_SHIFT, at('2026-11-30T07:49:00'), 10 * MIN, CST)).toBe(false);
    expect(availableForOffer(DAY_SHIFT, at('2026-11-30T07:40:30'), 20 * MIN, CST)).toBe(true);
    // Saturday 07:50 is no working day: nothing starts.
    expect(availableForOffer(DAY_SHIFT, at('2026-12-05T07:50:00'), 30 * MIN, CST)).toBe(false);
    // Sunday 21:50: the Monday night shift starts Monday, not Sunday.
    expect(availableForOffer(NIGHT_SHIFT, at('2026-12-06T21:50:00'), 30 * MIN, CST)).toBe(false);
  });

  test('24 hours (start = end) is always on shift', () => {
    for (const t of ['2026-11-30T00:00:00', '2026-12-02T23:59:59', '2026-12-06T12:00:00']) expect(availableForOffer(ALWAYS, at(t), 0, CST)).toBe(true);
  });

  test('ranking: with the instant, engineers off shift are filtered as off_shift; without it only the weekday counts', () => {
    const base: EngineerProfile = {
      id: 'E1',
      name: 'A',
      badgeNo: 'B1',
      skills: [{ category: 'ac', level: 2 }],
      homeLat: null,
      homeLng: null,
      regions: ['R1'],
      workingHours: { ...DAY_SHIFT, days: [...DAY_SHIFT.days] },
      maxOpenCases: 4,
      active: true,
      rating: 4.5,
      openCases: 0,
    };
    const night = { ...base, id: 'E2', workingHours: { ...NIGHT_SHIFT, days: [1] } };
    const req = { category: 'ac', region: 'R1', priority: 'P2' as const, vip: false, exclude: [], weekday: 1 };
    const shift = (local: string) => ({ at: at(local), windowMs: 20 * MIN, utcOffsetMinutes: CST });
    const late = rankEngineers([base, night], { ...req, shift: shift('2026-11-30T22:00:00') });
    expect(late.candidates.map((c) => c.engineerId)).toEqual(['E2']);
    expect(late.filtered).toEqual({ off_shift: ['E1'] });
    const early = rankEngineers([base, night], { ...req, shift: shift('2026-11-30T21:30:00') });
    expect(early.candidates.map((c) => c.engineerId)).toEqual(['E1']);
    expect(early.filtered).toEqual({ off_shift: ['E2'] });
    // 21:59 with 20 minutes: the day shift still runs, the night shift starts within the window.
    expect(rankEngineers([base, night], { ...req, shift: shift('2026-11-30T21:59:00') }).candidates.map((c) => c.engineerId)).toEqual(['E1', 'E2']);
    expect(rankEngineers([base, night], req).filtered).toEqual({});
  });
});

describe('a visit slot must fit the engineer hours and the customer preferred windows', () => {
  const slot = (from: string, to: string) => ({ start: iso(from), end: iso(to) });

  test('inside the hours, up to the end of the shift', () => {
    expect(checkBookingSlot(DAY_SHIFT, [], slot('2026-11-30T08:00:00', '2026-11-30T10:00:00'), CST)).toEqual({ ok: true });
    expect(checkBookingSlot(DAY_SHIFT, [], slot('2026-11-30T20:00:00', '2026-11-30T22:00:00'), CST)).toEqual({ ok: true });
  });

  test('outside the hours: 409 outside_engineer_hours with the hours in the message', () => {
    const late = checkBookingSlot(DAY_SHIFT, [], slot('2026-11-30T21:00:00', '2026-11-30T22:01:00'), CST, 'engineer E1 (甲工)');
    expect(late).toEqual({
      ok: false,
      code: 'outside_engineer_hours',
      message: `the visit ${iso('2026-11-30T21:00:00')} – ${iso('2026-11-30T22:01:00')} is outside engineer E1 (甲工)'s working hours (08:00-22:00 Mon, Tue, Wed, Thu, Fri, UTC+8)`,
    });
    expect(checkBookingSlot(DAY_SHIFT, [], slot('2026-11-30T07:59:00', '2026-11-30T09:00:00'), CST)).toMatchObject({
      ok: false,
      code: 'outside_engineer_hours',
    });
    // Saturday.
    expect(checkBookingSlot(DAY_SHIFT, [], slot('2026-12-05T09:00:00', '2026-12-05T10:00:00'), CST)).toMatchObject({ code: 'outside_engineer_hours' });
  });

  test('overnight and around-the-clock hours hold across midnight', () => {
    expect(checkBookingSlot(NIGHT_SHIFT, [], slot('2026-11-30T23:00:00', '2026-12-01T01:00:00'), CST)).toEqual({ ok: true });
    expect(checkBookingSlot(ALWAYS, [], slot('2026-12-06T23:00:00', '2026-12-07T01:00:00'), CST)).toEqual({ ok: true });
    expect(coversThroughout(NIGHT_SHIFT, at('2026-12-01T05:00:00'), at('2026-12-01T06:00:00'), CST)).toBe(true);
    expect(coversThroughout(NIGHT_SHIFT, at('2026-12-01T05:00:00'), at('2026-12-01T06:00:01'), CST)).toBe(false);
  });

  test('with preferred windows, the slot must lie inside one of them: else outside_preferred_windows', () => {
    const windows = [slot('2026-11-30T09:00:00', '2026-11-30T12:00:00'), slot('2026-12-01T14:00:00', '2026-12-01T18:00:00')];
    expect(checkBookingSlot(DAY_SHIFT, windows, slot('2026-11-30T09:00:00', '2026-11-30T12:00:00'), CST)).toEqual({ ok: true });
    expect(checkBookingSlot(DAY_SHIFT, windows, slot('2026-12-01T15:00:00', '2026-12-01T17:00:00'), CST)).toEqual({ ok: true });
    const outside = checkBookingSlot(DAY_SHIFT, windows, slot('2026-11-30T11:00:00', '2026-11-30T13:00:00'), CST);
    expect(outside).toMatchObject({ ok: false, code: 'outside_preferred_windows' });
    expect((outside as { message: string }).message).toContain(`${windows[0]!.start} – ${windows[0]!.end}`);
    // The engineer's hours are checked first.
    expect(checkBookingSlot(DAY_SHIFT, windows, slot('2026-12-05T09:00:00', '2026-12-05T10:00:00'), CST)).toMatchObject({ code: 'outside_engineer_hours' });
  });

  test('the hours as a message shows them', () => {
    expect(describeHours(DAY_SHIFT)).toBe('08:00-22:00 Mon, Tue, Wed, Thu, Fri');
    expect(describeHours({ days: [3, 1], start: '22:00', end: '06:00' })).toBe('22:00-06:00 (overnight) Mon, Wed');
    expect(describeHours(ALWAYS)).toBe('24 hours every day');
  });
});
