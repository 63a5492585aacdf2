// One small workflow per archived case: the satisfaction callback task a day later, and
// the maintenance reminder after the product category's interval. No run waits more than
// 30 days: a longer wait continues as new, so a run wakes on code at most a month old
// and each run's history stays a dozen events.
// The case passes both intervals in the input (fixed when the case opened, so they are
// in this run's history); the defaults below only serve inputs without them.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { continueAsNew, patched, proxyActivities, sleep, startChild } from '@temporalio/workflow';
import type { CaseActivities } from '../activities';
import { AFTERCARE_MAX_RUN_WAIT_MS, CALLBACK_AFTER_MINUTES, maintenanceIntervalDays, type AftercareInput } from '../domain/aftercare';
import { callbackDueMessage, maintenanceDueMessage } from '../domain/aftercareMessages';
import { callbackWorkflowId, DEFAULT_CALLBACK_POLICY } from '../domain/callbacks';
import { cycleDates, seriesInputFor } from '../domain/maintenance';
import { callbackWorkflow } from './callbackWorkflow';
import { maintenanceWorkflow } from './maintenanceWorkflow';
import { notify } from './notify';

/** New runs hand the callback and the maintenance reminders to their own workflows (README "Callbacks and maintenance"). */
export const AFTERCARE_SERIES_PATCH = 'aftercare-callback-and-maintenance-series';

const { createCallbackTask, createMaintenanceReminder } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

const MINUTE = 60_000;

export async function aftercareWorkflow(input: AftercareInput): Promise<{ callbackAt: string; maintenanceAt?: string }> {
  // Runs started before this change wait in one run, as they always did (their histories
  // replay); new runs never wait more than AFTERCARE_MAX_RUN_WAIT_MS in one run, so the
  // code a run executes is at most a month old when it wakes.
  // Runs started before this change keep their own path (their histories replay, guarded
  // by the older patches below); new runs (and old ones continuing as new) start the
  // callback workflow and the product's maintenance series, and end.
  if (patched(AFTERCARE_SERIES_PATCH)) return startSeries(input);
  if (patched('aftercare-bounded-runs')) return boundedAftercare(input);
  const archivedAt = Date.parse(input.archivedAt);
  const callbackAt = archivedAt + (input.callbackAfterMinutes ?? CALLBACK_AFTER_MINUTES) * MINUTE;
  await sleep(Math.max(1, callbackAt - Date.now()));
  await createCallbackTask(callbackTask(input, callbackAt));

  const days = input.maintenanceAfterDays ?? maintenanceIntervalDays(input.product.category);
  if (days <= 0) return { callbackAt: new Date(callbackAt).toISOString() };
  const maintenanceAt = archivedAt + days * 24 * 60 * MINUTE;
  await sleep(Math.max(1, maintenanceAt - Date.now()));
  await createMaintenanceReminder({ caseNo: input.caseNo, customer: input.customer, product: input.product, dueAt: new Date(maintenanceAt).toISOString() });
  return { callbackAt: new Date(callbackAt).toISOString(), maintenanceAt: new Date(maintenanceAt).toISOString() };
}

function callbackTask(input: AftercareInput, callbackAt: number) {
  return {
    caseNo: input.caseNo,
    customerName: input.customer.name,
    customerPhone: input.customer.phone,
    engineerId: input.engineerId,
    rating: input.rating,
    dueAt: new Date(callbackAt).toISOString(),
  };
}

/** Waits until `at`, or continues as new when that is further than one run may wait. */
async function waitUntil(at: number, input: AftercareInput): Promise<void> {
  if (at - Date.now() > AFTERCARE_MAX_RUN_WAIT_MS) {
    await sleep(AFTERCARE_MAX_RUN_WAIT_MS);
    if (at - Date.now() > 0) await continueAsNew<typeof aftercareWorkflow>(input);
  }
  await sleep(Math.max(1, at - Date.now()));
}

async function boundedAftercare(input: AftercareInput): Promise<{ callbackAt: string; maintenanceAt?: string }> {
  const archivedAt = Date.parse(input.archivedAt);
  const callbackAt = archivedAt + (input.callbackAfterMinutes ?? CALLBACK_AFTER_MINUTES) * MINUTE;
  if (!input.callbackDone) {
    await waitUntil(callbackAt, input);
    await createCallbackTask(callbackTask(input, callbackAt));
    // Runs started before this patch only wrote the task; now the call center's CRM is told too.
    if (patched('aftercare-due-messages')) await notify(callbackDueMessage(input, callbackAt));
  }
  const days = input.maintenanceAfterDays ?? maintenanceIntervalDays(input.product.category);
  if (days <= 0) return { callbackAt: new Date(callbackAt).toISOString() };
  const maintenanceAt = archivedAt + days * 24 * 60 * MINUTE;
  await waitUntil(maintenanceAt, { ...input, callbackDone: true });
  await createMaintenanceReminder({ caseNo: input.caseNo, customer: input.customer, product: input.product, dueAt: new Date(maintenanceAt).toISOString() });
  // The customer is told their product is due for service (runs before this patch only wrote the reminder).
  if (patched('aftercare-due-messages')) await notify(maintenanceDueMessage(input, maintenanceAt));
  return { callbackAt: new Date(callbackAt).toISOString(), maintenanceAt: new Date(maintenanceAt).toISOString() };
}

async function startSeries(input: AftercareInput): Promise<{ callbackAt: string; maintenanceAt?: string }> {
  const callbackAt = Date.parse(input.archivedAt) + (input.callbackAfterMinutes ?? CALLBACK_AFTER_MINUTES) * MINUTE;
  if (!input.callbackDone) {
    await startChild(callbackWorkflow, {
      workflowId: callbackWorkflowId(input.caseNo),
      parentClosePolicy: 'ABANDON',
      args: [
        {
          caseNo: input.caseNo,
          customer: input.customer,
          product: input.product,
          engineerId: input.engineerId,
          rating: input.rating,
          reworks: input.reworks ?? 0,
          kind: input.kind,
          firstDueAt: new Date(callbackAt).toISOString(),
          policy: DEFAULT_CALLBACK_POLICY,
        },
      ],
    });
  }
  // A case opened with no maintenance (interval 0) starts no series; otherwise the category's policy.
  const series = (input.maintenanceAfterDays ?? 1) > 0 ? seriesInputFor(input) : null;
  if (!series) return { callbackAt: new Date(callbackAt).toISOString() };
  try {
    await startChild(maintenanceWorkflow, { workflowId: series.seriesId, parentClosePolicy: 'ABANDON', args: [series] });
  } catch (err) {
    // The product already has a running series (this case was one of its visits): it goes on.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return { callbackAt: new Date(callbackAt).toISOString(), maintenanceAt: new Date(cycleDates(series).dueAt).toISOString() };
}
