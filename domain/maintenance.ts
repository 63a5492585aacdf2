// Recurring maintenance reminders (保养提醒): how often each product category needs
// service, how far ahead the customer is told, how long a reminder stays open for
// booking. Pure. A maintenance series copies its row into its input when it starts and
// carries it through every cycle, so a change here reaches new series only.

export interface MaintenancePolicy {
  /** Months between services; 0: this category gets no reminders. */
  intervalMonths: number;
  /** What the service is, in the reminder (zh-CN / en). */
  service: { zh: string; en: string };
}

/** One row per product category (seed 004 保养提醒: remind ahead of the due date). */
export const MAINTENANCE_POLICY: Record<string, MaintenancePolicy> = {
  air_conditioner: { intervalMonths: 12, service: { zh: '空调清洗保养', en: 'air conditioner cleaning' } },
  water_purifier: { intervalMonths: 6, service: { zh: '净水器滤芯更换', en: 'water purifier filter change' } },
  water_heater: { intervalMonths: 12, service: { zh: '热水器除垢保养', en: 'water heater descaling' } },
  washing_machine: { intervalMonths: 12, service: { zh: '洗衣机筒清洗', en: 'washing machine drum cleaning' } },
  range_hood: { intervalMonths: 12, service: { zh: '油烟机清洗', en: 'range hood cleaning' } },
  refrigerator: { intervalMonths: 24, service: { zh: '冰箱检查保养', en: 'refrigerator check-up' } },
  tv: { intervalMonths: 0, service: { zh: '', en: '' } },
};
export const DEFAULT_MAINTENANCE_POLICY: MaintenancePolicy = { intervalMonths: 12, service: { zh: '例行保养', en: 'routine maintenance' } };

/** The reminder SMS goes out this many days before the due date. */
export const MAINTENANCE_LEAD_DAYS = 14;
/** After the due date a reminder stays open for booking this long; then the next cycle. */
export const MAINTENANCE_BOOKING_GRACE_DAYS = 30;
/** A series run never sleeps longer than this: a longer wait continues as new (fresh code, small history). */
export const MAINTENANCE_MAX_RUN_WAIT_MS = 30 * 24 * 60 * 60_000;

export function maintenancePolicy(category: string): MaintenancePolicy {
  return MAINTENANCE_POLICY[category] ?? DEFAULT_MAINTENANCE_POLICY;
}

/** `iso` plus whole calendar months (UTC), clamped to the month's last day (31 Jan + 1 = 28/29 Feb). */
export function addMonths(iso: string, months: number): number {
  const d = new Date(iso);
  const day = d.getUTCDate();
  const target = new Date(d.getTime());
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, last));
  return target.getTime();
}

export interface MaintenanceSeriesInput {
  /** Workflow id of the series; one per product (category + serial). */
  seriesId: string;
  /** The case the series started from; its customer link carries the booking and opt-out. */
  anchorCaseNo: string;
  customer: { name: string; phone: string; address: string; region?: string; language: string; lat?: number; lng?: number; tier: string };
  product: { category: string; model: string; serial: string; warrantyUntil?: string };
  intervalMonths: number;
  leadDays: number;
  graceDays: number;
  service: { zh: string; en: string };
  /** The last service (archive of the case, or the booked maintenance case): the cycle counts from it. */
  lastServiceAt: string;
  /** 1 for the first reminder of the series; +1 each continue-as-new to a new cycle. */
  cycle: number;
}

export function maintenanceSeriesId(category: string, serial: string): string {
  return `maintenance-${category}-${serial}`;
}

/** When cycle's service is due and when its reminder goes out. */
export function cycleDates(input: Pick<MaintenanceSeriesInput, 'lastServiceAt' | 'intervalMonths' | 'leadDays' | 'graceDays'>): {
  dueAt: number;
  remindAt: number;
  closesAt: number;
} {
  const dueAt = addMonths(input.lastServiceAt, input.intervalMonths);
  const day = 24 * 60 * 60_000;
  return { dueAt, remindAt: dueAt - input.leadDays * day, closesAt: dueAt + input.graceDays * day };
}

/** The series' start input for a case archived at `archivedAt` (null: the category needs no maintenance). */
export function seriesInputFor(args: {
  caseNo: string;
  archivedAt: string;
  customer: MaintenanceSeriesInput['customer'];
  product: MaintenanceSeriesInput['product'];
}): MaintenanceSeriesInput | null {
  const p = maintenancePolicy(args.product.category);
  if (p.intervalMonths <= 0) return null;
  return {
    seriesId: maintenanceSeriesId(args.product.category, args.product.serial),
    anchorCaseNo: args.caseNo,
    customer: args.customer,
    product: args.product,
    intervalMonths: p.intervalMonths,
    leadDays: MAINTENANCE_LEAD_DAYS,
    graceDays: MAINTENANCE_BOOKING_GRACE_DAYS,
    service: p.service,
    lastServiceAt: args.archivedAt,
    cycle: 1,
  };
}
