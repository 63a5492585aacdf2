// The time-skipping test server with a worker running caseWorkflow and the real
// activities on the test stack's PostgreSQL, plus helpers to open and follow cases.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { activityErrorInterceptor } from '../../worker/activityErrors';
import { createActivities, type CaseActivities } from '../../activities';
import { createDatabase, type Database } from '../../db/client';
import { caseEvents } from '../../db/schema';
import { workflowIdFor, type Actor, type CaseState, type CaseWorkflowInput, type Stage } from '../../domain';
import type { CaseIntakeInput } from '../../domain/schemas';
import { maintenanceSeriesId } from '../../domain/maintenance';
import { caseWorkflow } from '../../workflows';
import * as defs from '../../workflows/definitions';
import { intake, testCaseNo } from './fixtures';
import { recordHistories } from './historyRecorder';
import { ensureKeyedEngineers } from './roster';
import { stackInfo } from './stackInfo';
import { createTimeSkippingEnv } from './timeSkipping';
import { testDataConverter } from './payloadKeys';

export const agent: Actor = { role: 'agent', subject: 'A01' };

export interface CaseTestEnv {
  env: TestWorkflowEnvironment;
  db: Database;
  openCase(
    overrides?: Partial<CaseIntakeInput>,
    customer?: Partial<CaseIntakeInput['customer']>,
    extra?: Partial<CaseWorkflowInput>,
  ): Promise<{ caseNo: string; handle: CaseHandle }>;
  endTest(): Promise<void>;
  close(): Promise<void>;
}

export type CaseHandle = Awaited<ReturnType<TestWorkflowEnvironment['client']['workflow']['start']>>;

export async function startCaseTestEnv(taskQueue: string, wrap: (real: CaseActivities) => CaseActivities = (a) => a): Promise<CaseTestEnv> {
  const env = await createTimeSkippingEnv();
  const db = createDatabase(stackInfo().databaseUrl);
  await ensureKeyedEngineers(db);
  const worker = await Worker.create({
    dataConverter: testDataConverter(),
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows') }),
    activities: wrap(createActivities(db)),
    // As the real worker classifies activity errors (worker/createWorker.ts).
    interceptors: { activity: [activityErrorInterceptor] },
  });
  const running = worker.run();
  // Cases a test opened; endTest() terminates those still running, so a later test's
  // time skip does not fire every earlier case's SLA and reminder timers.
  const opened: CaseHandle[] = [];
  return {
    async endTest() {
      await endCases(
        env,
        opened.splice(0).map((h) => h.workflowId),
      );
    },
    env,
    db,
    async openCase(overrides = {}, customer = {}, extra = {}) {
      const caseNo = testCaseNo();
      const base = intake(overrides);
      const handle = await env.client.workflow.start(caseWorkflow, {
        taskQueue,
        workflowId: workflowIdFor(caseNo),
        args: [{ caseNo, intake: { ...base, customer: { ...base.customer, ...customer } }, openedBy: agent, ...extra }],
      });
      opened.push(handle);
      await handle.executeUpdate(defs.intakeReceipt);
      return { caseNo, handle };
    },
    async close() {
      worker.shutdown();
      await running;
      await env.teardown();
      await db.$client.end();
    },
  };
}

export const stateOf = (h: CaseHandle) => h.query(defs.getCaseState);

/**
 * How late (server time) a step that fires on its timer may be recorded on the
 * time-skipping server: the clock runs while the step's own activities run, which a
 * loaded machine stretches to seconds. Far below any gap between two deadlines (minutes),
 * so a step that waited for a later timer or scan still fails.
 */
export const ON_TIME_MS = 10_000;

/**
 * The workflow moves by itself (dispatch, timers): poll its state until it gets there.
 * Bounded by wall time (not a count of polls, which a loaded machine stretches past the
 * test's own timeout), so a case that never gets there fails with its stage named.
 */
export async function until(h: CaseHandle, ok: (s: CaseState) => boolean, what: string, timeoutMs = 20_000): Promise<CaseState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await stateOf(h);
    if (ok(s)) return s;
    if (Date.now() > deadline) throw new Error(`case never reached: ${what}; now ${JSON.stringify(s.stage)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
export const stageIs = (h: CaseHandle, stage: Stage) => until(h, (s) => s.stage === stage, stage);

export async function eventsOf(db: Database, caseNo: string) {
  return db.select().from(caseEvents).where(eq(caseEvents.caseNo, caseNo)).orderBy(caseEvents.seq);
}

/**
 * Ends a test's cases cleanly: cancelled through their own update (so no activity is
 * left in flight, which would hold the time-skipping server's clock), then their
 * aftercare children terminated.
 */
export async function endCases(env: TestWorkflowEnvironment, workflowIds: string[]): Promise<void> {
  await recordHistories(env.client.workflow, workflowIds);
  await Promise.all(
    workflowIds.map(async (id) => {
      // No result() here: awaiting a result lets the test server skip time.
      const product = await env.client.workflow
        .getHandle(id)
        .query(defs.getCaseState)
        .then((s) => s.intake.product)
        .catch(() => undefined);
      await env.client.workflow
        .getHandle(id)
        .executeUpdate(defs.cancelCase, { args: [agent, { reason: 'test over' }] })
        .catch(() => undefined);
      await env.client.workflow
        .getHandle(id.replace(/^case-/, 'aftercare-'))
        .terminate('test over')
        .catch(() => undefined);
      // And what aftercare started: the callback and the product's maintenance series.
      const others = [id.replace(/^case-/, 'callback-'), ...(product ? [maintenanceSeriesId(product.category, product.serial)] : [])];
      await Promise.all(
        others.map((w) =>
          env.client.workflow
            .getHandle(w)
            .terminate('test over')
            .catch(() => undefined),
        ),
      );
    }),
  );
}
