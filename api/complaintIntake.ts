// Opening a complaint: reserve the complaint number under the Idempotency-Key, take the
// customer from the linked case when not given, then start the workflow with
// update-with-start so the answer carries the recorded row.
import { createHash } from 'node:crypto';
import { type Client, WithStartWorkflowOperation } from '@temporalio/client';
import { maskPhone, type Actor } from '../domain';
import { complaintSettingsFrom, complaintWorkflowId, type ComplaintWorkflowInput } from '../domain/complaints';
import type { ComplaintOpen } from '../domain/complaintSchemas';
import { SA } from '../domain/searchAttributes';
import type { Database } from '../db/client';
import { findCase } from '../db/queries/cases';
import { findPerson } from '../db/queries/people';
import { findComplaint, reserveComplaint, type ComplaintRow } from '../db/queries/complaints';
import { complaintReceipt } from '../workflows/complaintDefinitions';
import { claimStart, releaseStart } from '../db/queries/moves';
import { complaintRequests } from '../db/schema';
import type { complaintWorkflow } from '../workflows';
import { HttpError } from './errors';
import { setLogSubject } from '../shared/logContext';

export function createComplaintIntake(deps: { client: Client; db: Database; taskQueue: string }) {
  const { client, db, taskQueue } = deps;

  async function start(input: ComplaintWorkflowInput): Promise<void> {
    const i = input.intake;
    await client.workflow.executeUpdateWithStart(complaintReceipt, {
      // One Update per key: concurrent replays attach to it instead of adding their own.
      updateId: `intake:${input.idempotencyKey}`,
      startWorkflowOperation: new WithStartWorkflowOperation<typeof complaintWorkflow>('complaintWorkflow', {
        workflowId: complaintWorkflowId(input.complaintNo),
        taskQueue,
        // The run's defaults resolved here, so they are in its history (see api/caseIntake.ts).
        // Duty routing: no fixed escalation contacts go into a new run.
        args: [{ ...input, ...complaintSettingsFrom(input, true) }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: SA.ComplaintNo, value: input.complaintNo },
          { key: SA.ComplaintStage, value: 'received' },
          { key: SA.ComplaintGrade, value: i.grade },
          ...(i.caseNo ? [{ key: SA.CaseNo, value: i.caseNo }] : []),
          { key: SA.SlaBreached, value: false },
        ],
        // No name and no free text (the complaint's summary may name people or places), a masked phone.
        staticSummary: `${input.complaintNo} · ${i.grade} · ${i.category} · ${maskPhone(i.customer.phone)}${i.caseNo ? ` · case ${i.caseNo}` : ''}`,
        staticDetails: `Channel: ${i.channel}`,
      }),
    });
  }

  /** A replay returns the same complaint; a key reused with another body is 422. */
  return async function openComplaint(body: ComplaintOpen, key: string, actor: Actor): Promise<{ created: boolean; row: ComplaintRow }> {
    let customer = body.customer;
    let region: string | undefined;
    if (body.caseNo) {
      const linked = await findCase(db, body.caseNo);
      if (!linked) throw new HttpError(400, 'validation_failed', 'invalid body', { fields: [{ path: 'body.caseNo', message: 'no such case' }] });
      customer ??= { name: linked.customerName, phone: linked.customerPhone, language: linked.customerLanguage as 'zh-CN' | 'en' };
      region = linked.region ?? undefined;
    }
    if (body.owner) await eligibleOwner(db, body.owner, 'body.owner');
    const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    const { kind, request } = await reserveComplaint(db, { key, requestHash, actor, now: new Date() });
    if (request.requestHash !== requestHash) {
      throw new HttpError(422, 'idempotency_key_reused', `Idempotency-Key was used for complaint ${request.complaintNo} with a different body`, {
        existingComplaintNo: request.complaintNo,
      });
    }
    setLogSubject({ complaintNo: request.complaintNo });
    let row = kind === 'replay' ? await findComplaint(db, request.complaintNo) : undefined;
    if (row) return { created: false, row };
    // New, or a replay whose first attempt did not reach Temporal: start (idempotent).
    // The request holding the start claim answers 201, concurrent replays 200.
    const claimed = kind === 'reserved' || (await claimStart(db, complaintRequests, key));
    const { caseNo, category, grade, channel, summary, owner } = body;
    try {
      await start({
        complaintNo: request.complaintNo,
        source: 'agent',
        openedBy: actor,
        idempotencyKey: key,
        intake: { category, grade, channel, summary, caseNo, owner, customer: customer!, ...(region ? { region } : {}) },
      });
    } catch (err) {
      if (claimed) await releaseStart(db, complaintRequests, key).catch(() => undefined);
      throw err;
    }
    row = await findComplaint(db, request.complaintNo);
    if (!row) throw new Error(`complaint ${request.complaintNo} started but its row is missing`);
    return { created: claimed, row };
  };
}

/** A complaint owner is an active supervisor or manager of the staff directory: 404 / 409 otherwise. */
export async function eligibleOwner(db: Database, personId: string, path = 'body.owner'): Promise<void> {
  const p = await findPerson(db, personId);
  if (!p) throw new HttpError(404, 'person_not_found', `no person ${personId} (${path})`);
  if (!p.active) throw new HttpError(409, 'owner_not_eligible', `person ${personId} is deactivated`);
  if (!p.roles.some((r) => r === 'supervisor' || r === 'manager')) {
    throw new HttpError(409, 'owner_not_eligible', `person ${personId} is neither a supervisor nor a manager`);
  }
}
