// Callback tasks and maintenance reminders; one per case (unique), so retries write once.
import type { Database } from '../db/client';
import { callbackTasks, maintenanceReminders } from '../db/schema';

export async function createCallbackTask(
  db: Database,
  t: { caseNo: string; customerName: string; customerPhone: string; engineerId?: string; rating?: number; dueAt: string },
): Promise<{ inserted: boolean }> {
  const rows = await db
    .insert(callbackTasks)
    .values({ ...t, engineerId: t.engineerId ?? null, rating: t.rating ?? null, dueAt: new Date(t.dueAt), status: 'open' })
    .onConflictDoNothing()
    .returning({ id: callbackTasks.id });
  return { inserted: rows.length > 0 };
}

export async function createMaintenanceReminder(
  db: Database,
  r: { caseNo: string; customer: Record<string, unknown>; product: Record<string, unknown>; dueAt: string },
): Promise<{ inserted: boolean }> {
  const rows = await db
    .insert(maintenanceReminders)
    .values({ ...r, dueAt: new Date(r.dueAt), status: 'due' })
    .onConflictDoNothing()
    .returning({ id: maintenanceReminders.id });
  return { inserted: rows.length > 0 };
}
