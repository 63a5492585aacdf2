// A product's recurring maintenance reminders (保养提醒), one run per cycle: wait until the
// reminder is due (lead days before the service date), write the reminder row and SMS
// the customer a link to book or opt out, wait for a booking until the grace period after
// the due date ends, then continue as new into the next cycle, counted from the booking
// (or from the due date when nothing was booked). An opt-out ends the series.
//
// Why continue-as-new and not a Temporal Schedule: the next due date depends on what
// happened in this cycle (booked when?), which a fixed cron cannot express; one run per
// cycle keeps each history to a few dozen events for as long as the product lives, and a
// wait longer than MAINTENANCE_MAX_RUN_WAIT_MS continues as new before it ends, so a
// sleeping run wakes on code at most a month old.
import { condition, continueAsNew, patched, setHandler } from '@temporalio/workflow';
import { maintenanceReminderMessage } from '../domain/aftercareMessages';
import { cycleDates, MAINTENANCE_MAX_RUN_WAIT_MS, type MaintenanceSeriesInput } from '../domain/maintenance';
import { activities } from './activities';
import { getMaintenanceState, maintenanceBooked, maintenanceOptOut, type MaintenanceSeriesState } from './callbackDefinitions';
import { notify } from './notify';

const iso = (ms: number) => new Date(ms).toISOString();

/** New runs issue the reminder's link to expire when booking closes (due + grace), not after the default lifetime. */
export const MAINTENANCE_LINK_PATCH = 'maintenance-link-until-booking-closes';

export async function maintenanceWorkflow(input: MaintenanceSeriesInput): Promise<MaintenanceSeriesState> {
  const { dueAt, remindAt, closesAt } = cycleDates(input);
  const state: MaintenanceSeriesState = { seriesId: input.seriesId, cycle: input.cycle, status: 'waiting', dueAt: iso(dueAt), remindAt: iso(remindAt) };
  let booked: { caseNo: string; at: string } | undefined;
  let optedOut = false;
  setHandler(getMaintenanceState, () => state);
  setHandler(maintenanceBooked, (b) => {
    // An agent may open a case for a reminder whose cycle already lapsed or was booked;
    // that must not count as booking the cycle this run waits for.
    if (b.cycle !== undefined && b.cycle !== input.cycle) return;
    booked ??= { caseNo: b.caseNo, at: b.at };
  });
  setHandler(maintenanceOptOut, () => {
    optedOut = true;
  });

  // The customer may have opted out through another cycle's link, or before this series started.
  if (await activities.maintenanceOptedOut({ seriesId: input.seriesId })) return end('opted_out');

  // Until the reminder is due; a long wait continues as new (same cycle) before it ends.
  const wait = remindAt - Date.now();
  if (wait > MAINTENANCE_MAX_RUN_WAIT_MS) {
    if (await condition(() => optedOut, MAINTENANCE_MAX_RUN_WAIT_MS)) return end('opted_out');
    return continueAsNew<typeof maintenanceWorkflow>(input);
  }
  if (wait > 0 && (await condition(() => optedOut, wait))) return end('opted_out');

  const { id } = await activities.recordMaintenanceReminder({
    seriesId: input.seriesId,
    cycle: input.cycle,
    caseNo: input.anchorCaseNo,
    customer: input.customer,
    product: input.product,
    dueAt: iso(dueAt),
  });
  state.reminderId = id;
  // The default lifetime (14 days) would end the link on the due date, with the reminder
  // going out 14 days ahead: the link instead lasts as long as booking stays open.
  const link = await activities.issueCustomerLink(
    patched(MAINTENANCE_LINK_PATCH) ? { subjectNo: input.anchorCaseNo, expiresAt: iso(closesAt) } : { subjectNo: input.anchorCaseNo },
  );
  await notify(maintenanceReminderMessage(input, dueAt, link));
  await activities.markMaintenanceSent({ id, at: iso(Date.now()) });
  state.status = 'reminded';

  await condition(() => booked !== undefined || optedOut, Math.max(1, closesAt - Date.now()));
  if (booked) {
    // The booking API marked the row opened; the next cycle counts from the booking.
    Object.assign(state, { status: 'booked', bookedCaseNo: booked.caseNo });
    return continueAsNew<typeof maintenanceWorkflow>({ ...input, cycle: input.cycle + 1, lastServiceAt: booked.at });
  }
  if (optedOut) {
    await activities.closeMaintenanceReminder({ id, status: 'opted_out' });
    return end('opted_out');
  }
  await activities.closeMaintenanceReminder({ id, status: 'lapsed' });
  // Not booked: the product is still due at the usual interval from this due date.
  return continueAsNew<typeof maintenanceWorkflow>({ ...input, cycle: input.cycle + 1, lastServiceAt: iso(dueAt) });

  function end(status: 'opted_out'): MaintenanceSeriesState {
    state.status = status;
    return state;
  }
}
