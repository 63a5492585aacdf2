// Rows of the maintenance series: one maintenance_reminders row per cycle (sent, booked,
// lapsed or opted out: what the KPIs count) and the opt-out the series honours.
import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { maintenanceOptOuts, maintenanceReminders } from '../db/schema';

export async function maintenanceOptedOut(db: Database, seriesId: string): Promise<boolean> {
  const [row] = await db.select({ seriesId: maintenanceOptOuts.seriesId }).from(maintenanceOptOuts).where(eq(maintenanceOptOuts.seriesId, seriesId));
  return !!row;
}

/** The cycle's reminder row (once per series and cycle); returns its id. */
export async function recordMaintenanceReminder(
  db: Database,
  r: { seriesId: string; cycle: number; caseNo: string; customer: Record<string, unknown>; product: Record<string, unknown>; dueAt: string },
): Promise<{ id: number }> {
  const [inserted] = await db
    .insert(maintenanceReminders)
    .values({ ...r, dueAt: new Date(r.dueAt), status: 'due' })
    .onConflictDoNothing()
    .returning({ id: maintenanceReminders.id });
  if (inserted) return inserted;
  const [existing] = await db
    .select({ id: maintenanceReminders.id })
    .from(maintenanceReminders)
    .where(and(eq(maintenanceReminders.caseNo, r.caseNo), eq(maintenanceReminders.cycle, r.cycle)));
  return existing!;
}

export async function markMaintenanceSent(db: Database, a: { id: number; at: string }): Promise<void> {
  await db
    .update(maintenanceReminders)
    .set({ sentAt: new Date(a.at) })
    .where(eq(maintenanceReminders.id, a.id));
}

/** Ends a cycle's reminder that was not booked: lapsed, or the customer opted out. */
export async function closeMaintenanceReminder(db: Database, a: { id: number; status: 'lapsed' | 'opted_out' }): Promise<void> {
  await db
    .update(maintenanceReminders)
    .set({ status: a.status })
    .where(and(eq(maintenanceReminders.id, a.id), eq(maintenanceReminders.status, 'due')));
}
