import type { CaseIntake, CaseIntakeInput } from '../../domain/schemas';
import { CaseIntakeSchema } from '../../domain/schemas';

let counter = Math.floor(Math.random() * 900_000);
let slotCounter = Math.floor(Math.random() * 50_000);

export const MANUAL_REGION = 'QA-MANUAL';

/** A unique case number in a date range no real case uses (keeps suites apart). */
export function testCaseNo(): string {
  counter = (counter + 1) % 1_000_000;
  return `CS-20000101-${String(counter).padStart(6, '0')}`;
}

/** A unique serial so the duplicate rule never links unrelated tests. */
export function uniqueSerial(): string {
  return `SN-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function intakeInput(overrides: Partial<CaseIntakeInput> = {}): CaseIntakeInput {
  return {
    channel: 'phone',
    customer: {
      name: '张三',
      phone: '+86 138 0013 8000',
      address: '上海市浦东新区世纪大道100号',
      // No engineer serves this region, so automatic dispatch sends the case to the
      // manual queue; dispatch tests pass a region with a roster of their own.
      region: MANUAL_REGION,
      lat: 31.2304,
      lng: 121.4737,
    },
    product: { category: 'air_conditioner', model: 'KFR-35GW', serial: uniqueSerial() },
    faultDescription: '空调不制冷，室外机不启动',
    priority: 'P2',
    ...overrides,
  };
}

export function intake(overrides: Partial<CaseIntakeInput> = {}): CaseIntake {
  return CaseIntakeSchema.parse(intakeInput(overrides));
}

/**
 * A 2-hour visit slot no other test books: engineers are never double-booked (the
 * database refuses), so every booking in the suite needs its own time.
 */
export function futureSlot(): { start: string; end: string } {
  slotCounter += 1;
  // Daytime in the service area (UTC+8) on Monday to Saturday, five 2-hour slots a day
  // from 09:00: inside every roster's working hours, the demo organisation's too (the
  // booking rules refuse a visit outside the engineer's hours).
  const PER_DAY = 5;
  const dayIndex = Math.floor(slotCounter / PER_DAY);
  // Six working days a week from Monday 2031-01-06 (Sundays skipped: the demo E001 is off).
  const day = Date.UTC(2031, 0, 6) + (Math.floor(dayIndex / 6) * 7 + (dayIndex % 6)) * 86_400_000;
  const start = new Date(day + (1 + (slotCounter % PER_DAY) * 2) * 3600_000); // 01:00Z = 09:00 UTC+8
  return { start: start.toISOString(), end: new Date(start.getTime() + 2 * 3600_000).toISOString() };
}

let complaintCounter = Math.floor(Math.random() * 900_000);

/** A unique complaint number in a date range no real complaint uses. */
export function testComplaintNo(): string {
  complaintCounter = (complaintCounter + 1) % 1_000_000;
  return `CP-20000101-${String(complaintCounter).padStart(6, '0')}`;
}
