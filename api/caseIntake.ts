// Opening a case: reserve the case number under the Idempotency-Key, check the
// duplicate rule, then start the workflow with update-with-start and return its row.
// Shared by POST /cases and the routes that open cases for the customer (maintenance).
import { createHash } from 'node:crypto';
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import { maskPhone, normalizePhone, workflowIdFor, type Actor, type CaseReceipt, type CaseWorkflowInput, type DispatchPolicyOverrides } from '../domain';
import { caseRowOfReceipt } from '../db/caseRow';
import { caseSettingsFrom } from '../domain/caseState';
import type { CaseIntake } from '../domain/schemas';
import { SA } from '../domain/searchAttributes';
import type { Database } from '../db/client';
import { findCase, type CaseRow } from '../db/queries/cases';
import { currentSlaPolicy } from '../db/queries/sla';
import { findIntakeRequest, reserveIntake, type ReserveResult } from '../db/queries/intake';
import { claimStart, releaseStart } from '../db/queries/moves';
import { intakeRequests } from '../db/schema';
import { intakeReceipt } from '../workflows/definitions';
import type { caseWorkflow } from '../workflows';
import { HttpError } from './errors';
import { setLogSubject } from '../shared/logContext';

export type OpenCase = (body: CaseIntake, key: string, actor: Actor) => Promise<{ created: boolean; row: CaseRow }>;

export function createCaseIntake(deps: { client: Client; db: Database; taskQueue: string; dispatchPolicy?: DispatchPolicyOverrides }): OpenCase {
  const { client, db, taskQueue } = deps;

  async function startCase(input: CaseWorkflowInput): Promise<CaseReceipt> {
    // The policy in force goes into the run's input: one activity fewer before the intake answers.
    const slaPolicy = await currentSlaPolicy(db);
    const c = input.intake.customer;
    const p = input.intake.product;
    return client.workflow.executeUpdateWithStart(intakeReceipt, {
      // One Update per key: concurrent replays attach to it instead of adding their own.
      updateId: `intake:${input.idempotencyKey}`,
      startWorkflowOperation: new WithStartWorkflowOperation<typeof caseWorkflow>('caseWorkflow', {
        workflowId: workflowIdFor(input.caseNo),
        taskQueue,
        // The run's defaults resolved here, so they are in its history: a later change of a
        // default in code never reaches this case, even on replay.
        // Duty routing: no fixed escalation contacts go into a new run (the roster names people when they fire).
        args: [{ ...input, ...caseSettingsFrom(input, true), slaPolicy }],
        // A retried intake attaches to the running case; a closed case is never re-run.
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: SA.CaseNo, value: input.caseNo },
          { key: SA.CaseStage, value: 'accepted' },
          { key: SA.Priority, value: input.intake.priority },
          { key: SA.Region, value: c.region ?? 'unassigned' },
          { key: SA.SlaBreached, value: false },
        ],
        // Shown in the UI and list views: no name, no address, no free text (it may hold either), a masked phone.
        staticSummary: `${input.caseNo} · ${input.intake.priority} · ${p.category} ${p.model} · ${maskPhone(c.phone)}`,
        staticDetails: `Channel: ${input.intake.channel}\n\nRegion: ${c.region ?? 'unassigned'}${c.tier === 'vip' ? ' · VIP' : ''}`,
      }),
    });
  }

  /**
   * Opens a case under an idempotency key: a replay returns the same case, a key reused
   * with another body is 422, a duplicate of an open case is 409 (unless allowed).
   * Exactly one request per key answers 201: the one holding the start claim when the
   * workflow started (concurrent replays wait on the same Update and answer 200).
   */
  return async function openCaseIdempotently(body: CaseIntake, key: string, actor: Actor): Promise<{ created: boolean; row: CaseRow }> {
    const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    const phoneKey = normalizePhone(body.customer.phone);
    let result: ReserveResult;
    try {
      result = await reserveIntake(db, {
        key,
        requestHash,
        phoneKey,
        serial: body.product.serial,
        allowDuplicate: body.allowDuplicate,
        actor,
        now: new Date(),
      });
    } catch (err) {
      // Same key raced in from another request: it is a replay.
      if ((err as { code?: string }).code !== '23505') throw err;
      const request = await findIntakeRequest(db, key);
      if (!request) throw err;
      result = { kind: 'replay', request };
    }
    if (result.kind === 'duplicate') {
      throw new HttpError(
        409,
        'duplicate_case',
        `an open case ${result.existingCaseNo} exists for this customer and product; set allowDuplicate to open another`,
        {
          existingCaseNo: result.existingCaseNo,
        },
      );
    }
    if (result.request.requestHash !== requestHash) {
      throw new HttpError(422, 'idempotency_key_reused', `Idempotency-Key was used for case ${result.request.caseNo} with a different body`, {
        existingCaseNo: result.request.caseNo,
      });
    }
    const caseNo = result.request.caseNo;
    setLogSubject({ caseNo });
    const row = result.kind === 'replay' ? await findCase(db, caseNo) : undefined;
    if (row) return { created: false, row };
    // New, or a replay whose first attempt did not reach Temporal: start (idempotent).
    const claimed = result.kind === 'reserved' || (await claimStart(db, intakeRequests, key));
    let receipt: CaseReceipt;
    try {
      receipt = await startCase({ caseNo, intake: body, openedBy: actor, idempotencyKey: key, policy: deps.dispatchPolicy });
    } catch (err) {
      if (claimed) await releaseStart(db, intakeRequests, key).catch(() => undefined);
      throw err;
    }
    // The receipt answers once the intake is in PostgreSQL; it holds what the row does,
    // so the answer needs no read back. Runs started by an older API answer with the
    // whole state, a superset of it.
    return { created: claimed, row: caseRowOfReceipt(receipt) };
  };
}
