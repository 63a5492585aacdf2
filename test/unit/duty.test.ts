// Who is on duty (domain/duty.ts): shift boundaries, overnight shifts, the region's and
// the global fallback, and people who are deactivated or no longer hold the role.
// Instants are written in Shanghai time (UTC+8); 2026-11-30 is a Monday.
import {
  currentShiftOf,
  globalFallbacksLost,
  localClock,
  messagePersonId,
  rolesWithoutGlobalFallback,
  ROUTED_ROLES,
  routingRecord,
  shiftCovers,
  whoIsOnDuty,
  type DutyRoster,
  type Shift,
} from '../../domain/duty';

const CST = 480;
const at = (local: string) => Date.parse(`${local}+08:00`);

const people = [
  { id: 'SUP-DAY', roles: ['supervisor'], active: true },
  { id: 'SUP-NIGHT', roles: ['supervisor'], active: true },
  { id: 'SUP-PD-FB', roles: ['supervisor', 'manager'], active: true },
  { id: 'GLOBAL', roles: ['supervisor', 'manager'], active: true },
  { id: 'GONE', roles: ['supervisor'], active: false },
  { id: 'AGENT', roles: ['agent'], active: true },
];
const day: Shift = { id: 1, personId: 'SUP-DAY', role: 'supervisor', region: 'SH-PD', days: [1, 2, 3, 4, 5], start: '08:00', end: '20:00' };
const night: Shift = { id: 2, personId: 'SUP-NIGHT', role: 'supervisor', region: 'SH-PD', days: [1, 2, 3, 4, 5], start: '20:00', end: '08:00' };
const roster: DutyRoster = {
  people,
  shifts: [day, night],
  fallbacks: [
    { region: 'SH-PD', role: 'supervisor', personId: 'SUP-PD-FB' },
    { region: '*', role: 'supervisor', personId: 'GLOBAL' },
    { region: '*', role: 'manager', personId: 'GLOBAL' },
  ],
};
const ask = (r: DutyRoster, local: string, region: string | null = 'SH-PD', role = 'supervisor') =>
  whoIsOnDuty(r, { role, region: region ?? undefined, at: at(local), utcOffsetMinutes: CST });

describe('the local clock', () => {
  test('weekday and minute in the service zone', () => {
    expect(localClock(at('2026-11-30T00:00:00'), CST)).toEqual({ weekday: 1, minute: 0 });
    expect(localClock(at('2026-12-06T23:59:00'), CST)).toEqual({ weekday: 7, minute: 1439 });
    // 2026-11-29T20:00Z is already Monday 04:00 in Shanghai.
    expect(localClock(Date.parse('2026-11-29T20:00:00Z'), CST)).toEqual({ weekday: 1, minute: 240 });
  });
});

describe('shift boundaries', () => {
  test('a day shift covers its start and not its end', () => {
    expect(shiftCovers(day, at('2026-11-30T07:59:00'), CST)).toBe(false);
    expect(shiftCovers(day, at('2026-11-30T08:00:00'), CST)).toBe(true);
    expect(shiftCovers(day, at('2026-11-30T19:59:00'), CST)).toBe(true);
    expect(shiftCovers(day, at('2026-11-30T20:00:00'), CST)).toBe(false);
    // Saturday is not one of its days.
    expect(shiftCovers(day, at('2026-12-05T10:00:00'), CST)).toBe(false);
  });

  test('an overnight shift runs into the next day, starting only on its days', () => {
    expect(shiftCovers(night, at('2026-11-30T20:00:00'), CST)).toBe(true); // Monday evening
    expect(shiftCovers(night, at('2026-12-01T03:00:00'), CST)).toBe(true); // Tuesday morning, Monday's shift
    expect(shiftCovers(night, at('2026-12-01T08:00:00'), CST)).toBe(false);
    // Monday 03:00 would be Sunday's shift: Sunday is not a day of it.
    expect(shiftCovers(night, at('2026-11-30T03:00:00'), CST)).toBe(false);
    // Saturday 03:00 is Friday's shift.
    expect(shiftCovers(night, at('2026-12-05T03:00:00'), CST)).toBe(true);
    expect(shiftCovers(night, at('2026-12-05T20:00:00'), CST)).toBe(false);
  });

  test('start equal to end is a 24-hour shift', () => {
    const allDay = { days: [3], start: '06:00', end: '06:00' };
    expect(shiftCovers(allDay, at('2026-12-02T06:00:00'), CST)).toBe(true);
    expect(shiftCovers(allDay, at('2026-12-03T05:59:00'), CST)).toBe(true);
    expect(shiftCovers(allDay, at('2026-12-03T06:00:00'), CST)).toBe(false);
    expect(shiftCovers(allDay, at('2026-12-02T05:59:00'), CST)).toBe(false);
  });
});

describe('who is on duty', () => {
  test('the person on the shift covering the instant', () => {
    expect(ask(roster, '2026-11-30T08:00:00')).toEqual({ personId: 'SUP-DAY', via: 'shift', shiftId: 1 });
    expect(ask(roster, '2026-11-30T19:59:00')).toEqual({ personId: 'SUP-DAY', via: 'shift', shiftId: 1 });
    expect(ask(roster, '2026-11-30T20:00:00')).toEqual({ personId: 'SUP-NIGHT', via: 'shift', shiftId: 2 });
    expect(ask(roster, '2026-12-01T07:59:00')).toEqual({ personId: 'SUP-NIGHT', via: 'shift', shiftId: 2 });
  });

  test('two shifts cover the instant: the lower shift id', () => {
    const extra: Shift = { ...day, id: 7, personId: 'SUP-NIGHT' };
    expect(ask({ ...roster, shifts: [extra, day] }, '2026-11-30T09:00:00')).toEqual({ personId: 'SUP-DAY', via: 'shift', shiftId: 1 });
  });

  test('no shift (the weekend): the region fallback', () => {
    expect(ask(roster, '2026-12-05T12:00:00')).toEqual({ personId: 'SUP-PD-FB', via: 'region_fallback' });
  });

  test('no shift and no fallback in the region: the global fallback', () => {
    expect(ask(roster, '2026-11-30T09:00:00', 'SH-XH')).toEqual({ personId: 'GLOBAL', via: 'global_fallback' });
    // A case without a region goes straight to the global fallback.
    expect(ask(roster, '2026-11-30T09:00:00', null)).toEqual({ personId: 'GLOBAL', via: 'global_fallback' });
    expect(ask(roster, '2026-11-30T09:00:00', 'SH-PD', 'manager')).toEqual({ personId: 'GLOBAL', via: 'global_fallback' });
  });

  test('a deactivated person is skipped: on shift, then as a fallback', () => {
    const deactivated = { ...roster, people: people.map((p) => (p.id === 'SUP-DAY' || p.id === 'SUP-PD-FB' ? { ...p, active: false } : p)) };
    expect(ask(deactivated, '2026-11-30T09:00:00')).toEqual({ personId: 'GLOBAL', via: 'global_fallback' });
    const onlyGone: DutyRoster = { ...roster, shifts: [{ ...day, personId: 'GONE' }] };
    expect(ask(onlyGone, '2026-11-30T09:00:00')).toEqual({ personId: 'SUP-PD-FB', via: 'region_fallback' });
  });

  test('a person who no longer holds the role is skipped', () => {
    const agentShift: DutyRoster = { ...roster, shifts: [{ ...day, personId: 'AGENT' }] };
    expect(ask(agentShift, '2026-11-30T09:00:00')).toEqual({ personId: 'SUP-PD-FB', via: 'region_fallback' });
  });

  test('nobody at all: none, never a placeholder', () => {
    expect(ask({ people, shifts: [], fallbacks: [] }, '2026-11-30T09:00:00')).toEqual({ via: 'none' });
    const globalGone: DutyRoster = { people, shifts: [], fallbacks: [{ region: '*', role: 'supervisor', personId: 'GONE' }] };
    expect(ask(globalGone, '2026-11-30T09:00:00')).toEqual({ via: 'none' });
  });
});

describe('a person’s current shift and the timeline record', () => {
  test('the shift covering now, if any', () => {
    expect(currentShiftOf([day, night], 'SUP-NIGHT', at('2026-12-01T02:00:00'), CST)).toBe(night);
    expect(currentShiftOf([day, night], 'SUP-NIGHT', at('2026-12-01T12:00:00'), CST)).toBeUndefined();
  });

  test('the record names the person and says when the global fallback was used', () => {
    const base = { role: 'manager', personId: 'GLOBAL', name: '周总', channel: 'sms' as const, address: '+86 139 0000 0000', language: 'zh-CN' as const };
    expect(routingRecord({ ...base, via: 'shift' })).toEqual({ role: 'manager', personId: 'GLOBAL', name: '周总', via: 'shift', channel: 'sms' });
    expect(routingRecord({ ...base, via: 'global_fallback' })).toEqual({
      role: 'manager',
      personId: 'GLOBAL',
      name: '周总',
      via: 'global_fallback',
      channel: 'sms',
      note: 'no one on duty or on the region fallback: sent to the global fallback',
    });
    expect(routingRecord({ role: 'supervisor', via: 'none' })).toEqual({
      role: 'supervisor',
      via: 'none',
      note: 'nobody on duty and no fallback configured',
    });
  });
});

describe('whose message it is (notifications.person_id)', () => {
  const base = { name: '张工', channel: 'sms' as const, address: '+86 139 0000 0001', language: 'zh-CN' as const };

  test('a person routed on duty or named as owner is the message’s person', () => {
    expect(messagePersonId({ ...base, role: 'supervisor', personId: 'SUP-DAY', via: 'shift' })).toBe('SUP-DAY');
    expect(messagePersonId({ ...base, role: 'manager', personId: 'GLOBAL', via: 'global_fallback' })).toBe('GLOBAL');
    expect(messagePersonId({ ...base, role: 'supervisor', personId: 'SUP-PD-FB', via: 'named' })).toBe('SUP-PD-FB');
  });

  test('an engineer’s contact names a person only when the engineer has a linked one', () => {
    expect(messagePersonId({ ...base, role: 'engineer', personId: 'P-E001', via: 'named', linkedPerson: true })).toBe('P-E001');
    // Without a person the id is the engineer's own; an answer recorded before the field lacks it.
    expect(messagePersonId({ ...base, role: 'engineer', personId: 'E001', via: 'named' })).toBeUndefined();
    expect(messagePersonId({ ...base, role: 'engineer', personId: 'E001', via: 'named', linkedPerson: false })).toBeUndefined();
  });
});

describe('nothing routes to nobody', () => {
  test('routed roles without a usable global fallback: none set, its person deactivated or without the role', () => {
    expect(rolesWithoutGlobalFallback(roster, ROUTED_ROLES)).toEqual(['dispatcher']);
    const gone: DutyRoster = { ...roster, fallbacks: [{ region: '*', role: 'supervisor', personId: 'GONE' }] };
    expect(rolesWithoutGlobalFallback(gone, ROUTED_ROLES)).toEqual(['supervisor', 'manager', 'dispatcher']);
    const wrongRole: DutyRoster = { ...roster, fallbacks: [{ region: '*', role: 'dispatcher', personId: 'AGENT' }] };
    expect(rolesWithoutGlobalFallback(wrongRole, ['dispatcher'])).toEqual(['dispatcher']);
    // A region's fallback does not stand in everywhere.
    const regional: DutyRoster = { ...roster, fallbacks: [{ region: 'SH-PD', role: 'manager', personId: 'GLOBAL' }] };
    expect(rolesWithoutGlobalFallback(regional, ['manager'])).toEqual(['manager']);
  });

  test('a change loses the global fallbacks of a person it deactivates or takes the role from', () => {
    expect(globalFallbacksLost(['supervisor', 'manager'], { active: false, roles: ['supervisor', 'manager'] })).toEqual(['supervisor', 'manager']);
    expect(globalFallbacksLost(['supervisor', 'manager'], { active: true, roles: ['manager', 'ops'] })).toEqual(['supervisor']);
    expect(globalFallbacksLost(['supervisor'], { active: true, roles: ['supervisor'] })).toEqual([]);
    expect(globalFallbacksLost([], { active: false, roles: [] })).toEqual([]);
  });
});
