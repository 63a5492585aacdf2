// Booking a maintenance visit from a reminder and opting out of a product's reminders:
// shared by the agents' routes and the customer's link routes. The row is written first,
// then the series workflow is told (a signal), so a series that is between runs or gone
// still finds the opt-out in the table when it next starts a cycle.
import type { Client } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import type { Actor } from '../domain';
import { CaseIntakeSchema } from '../domain/schemas';
import type { Database } from '../db/client';
import type { CaseRow } from '../db/queries/cases';
import { maintenanceOptOuts, maintenanceReminders } from '../db/schema';
import { maintenanceBooked, maintenanceOptOut } from '../workflows/callbackDefinitions';
import type { OpenCase } from './caseIntake';

export type ReminderRow = typeof maintenanceReminders.$inferSelect;

/** The series may have ended (opted out) or be between runs: the table already holds the truth. */
async function tell(client: Client, seriesId: string | null, send: (h: ReturnType<Client['workflow']['getHandle']>) => Promise<void>): Promise<void> {
  if (!seriesId) return;
  await send(client.workflow.getHandle(seriesId)).catch((err: unknown) => {
    if (!/not found|already completed/i.test(String((err as Error).message))) throw err;
  });
}

/** Opens the reminder's maintenance case (kind maintenance, one per reminder whatever the retries). */
export async function bookMaintenance(
  deps: { client: Client; db: Database; openCase: OpenCase },
  r: ReminderRow,
  actor: Actor,
  via: 'agent' | 'link',
  preferredWindows: Array<{ start: string; end: string }> = [],
): Promise<{ created: boolean; row: CaseRow }> {
  const intake = CaseIntakeSchema.parse({
    channel: via === 'link' ? 'web' : 'phone',
    customer: r.customer,
    product: r.product,
    faultDescription: `Scheduled maintenance (保养) after case ${r.caseNo}${r.cycle ? `, cycle ${r.cycle}` : ''}`,
    priority: 'P4',
    preferredWindows,
    allowDuplicate: true,
    kind: 'maintenance',
  });
  const { created, row } = await deps.openCase(intake, `maintenance-${r.id}`, actor);
  const bookedAt = new Date();
  await deps.db
    .update(maintenanceReminders)
    .set({ status: 'opened', openedCaseNo: row.caseNo, bookedAt, bookedVia: via })
    .where(eq(maintenanceReminders.id, r.id));
  await tell(deps.client, r.seriesId, (h) =>
    h.signal(maintenanceBooked, { caseNo: row.caseNo, at: bookedAt.toISOString(), via, ...(r.cycle ? { cycle: r.cycle } : {}) }),
  );
  return { created, row };
}

/** No more reminders for the reminder's product; idempotent. */
export async function optOutOfMaintenance(
  deps: { client: Client; db: Database },
  r: ReminderRow,
  actor: Actor,
  via: 'agent' | 'link',
): Promise<{ seriesId: string }> {
  const seriesId = r.seriesId ?? `legacy-${r.caseNo}`;
  await deps.db
    .insert(maintenanceOptOuts)
    .values({ seriesId, caseNo: r.caseNo, via, by: `${actor.role}:${actor.subject ?? ''}` })
    .onConflictDoNothing();
  await tell(deps.client, r.seriesId, (h) => h.signal(maintenanceOptOut, { at: new Date().toISOString(), via }));
  return { seriesId };
}
