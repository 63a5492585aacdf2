// One small workflow per archived case: the satisfaction callback task a day later, and
// the maintenance reminder after the product category's interval. Two timers and two
// activities make about a dozen history events, so neither continue-as-new nor a
// Schedule is needed: a Schedule fires on a calendar shared by many runs, whereas each
// case's moments depend on when it was archived; and the history never grows.
// The case passes both intervals in the input (fixed when the case opened, so they are
// in this run's history); the defaults below only serve inputs without them.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { CaseActivities } from '../activities';
import { CALLBACK_AFTER_MINUTES, maintenanceIntervalDays, type AftercareInput } from '../domain/aftercare';

const { createCallbackTask, createMaintenanceReminder } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

const MINUTE = 60_000;

export async function aftercareWorkflow(input: AftercareInput): Promise<{ callbackAt: string; maintenanceAt?: string }> {
  const archivedAt = Date.parse(input.archivedAt);
  const callbackAt = archivedAt + (input.callbackAfterMinutes ?? CALLBACK_AFTER_MINUTES) * MINUTE;
  await sleep(Math.max(1, callbackAt - Date.now()));
  await createCallbackTask({
    caseNo: input.caseNo,
    customerName: input.customer.name,
    customerPhone: input.customer.phone,
    engineerId: input.engineerId,
    rating: input.rating,
    dueAt: new Date(callbackAt).toISOString(),
  });

  const days = input.maintenanceAfterDays ?? maintenanceIntervalDays(input.product.category);
  if (days <= 0) return { callbackAt: new Date(callbackAt).toISOString() };
  const maintenanceAt = archivedAt + days * 24 * 60 * MINUTE;
  await sleep(Math.max(1, maintenanceAt - Date.now()));
  await createMaintenanceReminder({ caseNo: input.caseNo, customer: input.customer, product: input.product, dueAt: new Date(maintenanceAt).toISOString() });
  return { callbackAt: new Date(callbackAt).toISOString(), maintenanceAt: new Date(maintenanceAt).toISOString() };
}
