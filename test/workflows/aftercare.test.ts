// The aftercare workflow on its own time-skipping server: 180 days pass in one await.
import { eq } from 'drizzle-orm';
import { callbackTasks, maintenanceReminders } from '../../db/schema';
import type { Actor } from '../../domain';
import * as defs from '../../workflows/definitions';
import { agent, stageIs, startCaseTestEnv, type CaseTestEnv } from '../support/caseTestEnv';
import { futureSlot } from '../support/fixtures';
import { decodeStoredPayload } from '../support/payloadKeys';

const M = 60_000;
const dispatcher: Actor = { role: 'dispatcher', subject: 'D01' };
const engineer: Actor = { role: 'engineer', subject: 'E001' };
let t: CaseTestEnv;

beforeAll(async () => {
  t = await startCaseTestEnv('aftercare-test');
});
afterEach(() => t.endTest());
afterAll(() => t?.close());

describe('aftercare', () => {
  test('a day after archive a callback task is due; after the category interval a maintenance reminder', async () => {
    const { caseNo, handle } = await t.openCase({ priority: 'P1' });
    await stageIs(handle, 'manual_dispatch');
    await handle.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId: 'E001' }] });
    await handle.executeUpdate(defs.recordContact, { args: [engineer, { confirmedAddress: 'x', diagnosis: 'y', partsToBring: [] }] });
    await handle.executeUpdate(defs.bookAppointment, { args: [engineer, futureSlot()] });
    await handle.executeUpdate(defs.checkIn, { args: [engineer, {}] });
    await handle.executeUpdate(defs.checkOut, { args: [engineer, { result: 'fixed', resolution: 'ok', partsUsed: [], warrantyDays: 90 }] });
    const archived = await handle.executeUpdate(defs.confirmCase, { args: [agent, { rating: 4, fixed: true }] });
    const aftercare = t.env.client.workflow.getHandle(`aftercare-${caseNo}`);
    const result = await aftercare.result(); // skips the day and the 180 days
    const closedAt = Date.parse(archived.closedAt!);
    expect(Date.parse(result.callbackAt) - closedAt).toBe(24 * 60 * M);
    expect(Date.parse(result.maintenanceAt) - closedAt).toBe(180 * 24 * 60 * M); // air_conditioner
    const [callback] = await t.db.select().from(callbackTasks).where(eq(callbackTasks.caseNo, caseNo));
    expect(callback).toMatchObject({ status: 'open', engineerId: 'E001', rating: 4 });
    const [maintenance] = await t.db.select().from(maintenanceReminders).where(eq(maintenanceReminders.caseNo, caseNo));
    expect(maintenance).toMatchObject({ status: 'due', product: expect.objectContaining({ category: 'air_conditioner' }) });
    // 180 days in runs of at most 30: the latest run continued an earlier one, and no
    // timer of it waits longer than 30 days; each run's history stays small.
    const history = await aftercare.fetchHistory();
    expect(history.events!.length).toBeLessThan(30);
    expect(history.events![0]!.workflowExecutionStartedEventAttributes!.continuedExecutionRunId).toBeTruthy();
    const timers = history.events!.flatMap((e) => (e.timerStartedEventAttributes ? [Number(e.timerStartedEventAttributes.startToFireTimeout!.seconds)] : []));
    expect(timers.length).toBeGreaterThan(0);
    expect(Math.max(...timers)).toBeLessThanOrEqual(30 * 24 * 3600);
    // The intervals come from the case (fixed when it opened), in the child's own input.
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(await decodeStoredPayload(input)).toMatchObject({ callbackAfterMinutes: 24 * 60, maintenanceAfterDays: 180 });
  });
});
