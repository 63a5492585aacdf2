// The graded response standard of complaints (分级响应机制): the grades and their default
// targets. It is a column of the SLA policy table (domain/sla.ts), and the complaint state
// machine (domain/complaints.ts, which re-exports it) runs it; kept apart so that neither
// of the two imports the other.
import type { CalendarMode } from './businessHours';

/** Least to most severe. */
export const COMPLAINT_GRADES = ['general', 'serious', 'critical'] as const;
export type ComplaintGrade = (typeof COMPLAINT_GRADES)[number];

export type ComplaintSlaPolicy = Record<ComplaintGrade, { calendar: CalendarMode; acknowledgeMinutes: number; resolveMinutes: number }>;

export const DEFAULT_COMPLAINT_POLICY: ComplaintSlaPolicy = {
  general: { calendar: '24x7', acknowledgeMinutes: 120, resolveMinutes: 48 * 60 },
  serious: { calendar: '24x7', acknowledgeMinutes: 60, resolveMinutes: 24 * 60 },
  critical: { calendar: '24x7', acknowledgeMinutes: 30, resolveMinutes: 8 * 60 },
};
