import type { CaseIntake, CaseIntakeInput } from '../../domain/schemas';
import { CaseIntakeSchema } from '../../domain/schemas';

let counter = Math.floor(Math.random() * 900_000);

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
      region: 'SH-PD',
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

export function futureSlot(daysAhead = 2): { start: string; end: string } {
  const start = new Date(Date.now() + daysAhead * 86_400_000);
  start.setUTCHours(1, 0, 0, 0);
  return { start: start.toISOString(), end: new Date(start.getTime() + 2 * 3600_000).toISOString() };
}
