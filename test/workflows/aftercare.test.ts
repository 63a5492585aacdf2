// The aftercare workflow on its own time-skipping server: it starts the callback workflow
// and the maintenance series (each tested in callbacks.test.ts / maintenance.test.ts).
import { eq } from 'drizzle-orm';
import { callbackTasks, maintenanceReminders } from '../../db/schema';
import type { Actor } from '../../domain';
import * as defs from '../../workflows/definitions';
import { callbackWorkflowId } from '../../domain/callbacks';
import { addMonths, maintenanceSeriesId } from '../../domain/maintenance';
import { getCallbackState, getMaintenanceState } from '../../workflows/callbackDefinitions';
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
  test('at archive: the callback due a day later and the maintenance series of the product', async () => {
    const { caseNo, handle } = await t.openCase({ priority: 'P1' });
    await stageIs(handle, 'manual_dispatch');
    await handle.executeUpdate(defs.assignEngineer, { args: [dispatcher, { engineerId: 'E001' }] });
    await handle.executeUpdate(defs.recordContact, { args: [engineer, { confirmedAddress: 'x', diagnosis: 'y', partsToBring: [] }] });
    await handle.executeUpdate(defs.bookAppointment, { args: [engineer, futureSlot()] });
    await handle.executeUpdate(defs.checkIn, { args: [engineer, {}] });
    await handle.executeUpdate(defs.checkOut, { args: [engineer, { result: 'fixed', resolution: 'ok', partsUsed: [], warrantyDays: 90 }] });
    const archived = await handle.executeUpdate(defs.confirmCase, { args: [agent, { rating: 4, fixed: true }] });
    const aftercare = t.env.client.workflow.getHandle(`aftercare-${caseNo}`);
    // Aftercare hands over at once: the callback workflow and the product's maintenance series.
    const result = await aftercare.result();
    const closedAt = Date.parse(archived.closedAt!);
    expect(Date.parse(result.callbackAt) - closedAt).toBe(24 * 60 * M);
    // air_conditioner: cleaning every 12 months (domain/maintenance.ts).
    expect(result.maintenanceAt).toBe(new Date(addMonths(archived.closedAt!, 12)).toISOString());
    const callback = t.env.client.workflow.getHandle(callbackWorkflowId(caseNo));
    const cb = await callback.query(getCallbackState);
    expect(cb).toMatchObject({ caseNo, status: 'waiting' });
    const series = t.env.client.workflow.getHandle(maintenanceSeriesId('air_conditioner', archived.intake.product.serial));
    expect(await series.query(getMaintenanceState)).toMatchObject({ cycle: 1, status: 'waiting', dueAt: result.maintenanceAt });
    // The callback carries the case's engineer, rating and reworks.
    const history = await callback.fetchHistory();
    const started = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(await decodeStoredPayload(started)).toMatchObject({ caseNo, engineerId: 'E001', rating: 4, reworks: 0, firstDueAt: result.callbackAt });
    expect(await t.db.select().from(callbackTasks).where(eq(callbackTasks.caseNo, caseNo))).toEqual([]);
    expect(await t.db.select().from(maintenanceReminders).where(eq(maintenanceReminders.caseNo, caseNo))).toEqual([]);
  });
});
