// After-service rules: when the satisfaction callback is due and how often each product
// category needs maintenance. Pure.
export const CALLBACK_AFTER_MINUTES = 24 * 60;

/** Days between services per product category (0: no maintenance reminder). */
export const MAINTENANCE_INTERVAL_DAYS: Record<string, number> = {
  air_conditioner: 180,
  water_heater: 365,
  washing_machine: 365,
  refrigerator: 365,
  tv: 0,
};
export const DEFAULT_MAINTENANCE_INTERVAL_DAYS = 365;

export function maintenanceIntervalDays(category: string): number {
  return MAINTENANCE_INTERVAL_DAYS[category] ?? DEFAULT_MAINTENANCE_INTERVAL_DAYS;
}

export interface AftercareInput {
  caseNo: string;
  archivedAt: string;
  customer: { name: string; phone: string; address: string; region?: string; language: string; lat?: number; lng?: number; tier: string };
  product: { category: string; model: string; serial: string; warrantyUntil?: string };
  engineerId?: string;
  rating?: number;
  /** Reworks of the case and its kind (repair / maintenance): the callback's queue priority and figures. */
  reworks?: number;
  kind?: string;
  /** Overrides for tests; defaults above. */
  callbackAfterMinutes?: number;
  maintenanceAfterDays?: number;
  /** Set by the workflow when it continues as new: the callback task already exists. */
  callbackDone?: boolean;
}

/** No aftercare run waits longer than this: a longer wait continues as a new run. */
export const AFTERCARE_MAX_RUN_WAIT_MS = 30 * 24 * 60 * 60_000;
