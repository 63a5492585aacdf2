// One satisfaction callback (回访) per archived case: up to the policy's attempts at their
// spaced times in the agents' queue; a customer who answers ends it (unsatisfied opens a
// complaint), an unreachable one is re-queued for the next attempt, and after the last
// the customer gets an SMS survey through their case link. Started by aftercare; a run
// lives a few days at most (lapse and survey windows), so it never continues as new.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { condition, setHandler, sleep, startChild } from '@temporalio/workflow';
import { SYSTEM_ACTOR, type Actor } from '../domain';
import { callbackDueMessage, callbackSurveyMessage } from '../domain/aftercareMessages';
import { attemptDueAt, callbackPriority, FINAL_OUTCOMES, surveyOutcome, type CallbackOutcomeRecord, type CallbackWorkflowInput } from '../domain/callbacks';
import { autoComplaintNo, complaintWorkflowId, type ComplaintGrade } from '../domain/complaints';
import { SA } from '../domain/searchAttributes';
import { FAILURE } from '../domain/failures';
import { activities, reject } from './activities';
import {
  getCallbackState,
  recordCallbackOutcome,
  submitCallbackSurvey,
  type CallbackOutcomeBody,
  type CallbackState,
  type CallbackSurveyBody,
} from './callbackDefinitions';
import { complaintWorkflow } from './complaintWorkflow';
import { notify } from './notify';

const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const actorLabel = (a: { role: string; subject?: string }) => `${a.role}:${a.subject ?? ''}`;

export async function callbackWorkflow(input: CallbackWorkflowInput): Promise<CallbackState> {
  const { policy } = input;
  const state: CallbackState = { caseNo: input.caseNo, status: 'waiting', attempt: 0, attempts: [] };
  /** The outcome of the open attempt (phone) or of the survey, once recorded. */
  let recorded: CallbackOutcomeRecord | undefined;
  /** Set as a handler starts, so a second agent on the same attempt is refused at once. */
  let claimed = false;

  setHandler(getCallbackState, () => state);
  setHandler(
    recordCallbackOutcome,
    async (actor: Actor, body: CallbackOutcomeBody) => {
      claimed = true;
      // The row may be in the queue a moment before this run has seen its activity finish.
      await condition(() => state.status === 'open');
      const rec: CallbackOutcomeRecord = { ...body, by: actor, via: 'phone' };
      await activities.recordCallbackAttempt({ ...rec, caseNo: input.caseNo, recordedBy: actorLabel(actor), recordedAt: iso(Date.now()) });
      markAttempt(rec);
      recorded = rec;
      return state;
    },
    {
      validator: (_actor: Actor, body: CallbackOutcomeBody) => {
        const open = state.status === 'open' || state.status === 'queueing';
        if (!open || claimed || body.attempt !== state.attempt) {
          reject(FAILURE.illegalTransition, `callback ${input.caseNo}: attempt ${body.attempt} is not open (${state.status}, attempt ${state.attempt})`, {
            currentStage: state.status,
          });
        }
      },
    },
  );
  setHandler(
    submitCallbackSurvey,
    (actor: Actor, body: CallbackSurveyBody) => {
      claimed = true;
      recorded = {
        attempt: state.attempt,
        outcome: surveyOutcome(body.rating),
        satisfaction: body.rating,
        note: body.comment,
        by: actor,
        via: 'sms_survey',
      };
      return state;
    },
    {
      validator: (_actor: Actor, _body: CallbackSurveyBody) => {
        if (state.status !== 'survey' || claimed)
          reject(FAILURE.illegalTransition, `callback ${input.caseNo}: no survey is open`, { currentStage: state.status });
      },
    },
  );

  function markAttempt(rec: CallbackOutcomeRecord): void {
    const a = state.attempts.find((x) => x.attempt === rec.attempt);
    if (a) Object.assign(a, { outcome: rec.outcome, at: iso(Date.now()), via: rec.via });
  }

  const firstDueAt = Date.parse(input.firstDueAt);
  for (let n = 1; n <= policy.attempts.length; n++) {
    const dueAt = attemptDueAt(policy, firstDueAt, n, Date.now());
    if (dueAt > Date.now()) await sleep(dueAt - Date.now());
    Object.assign(state, { status: 'queueing', attempt: n, dueAt: iso(dueAt) });
    state.attempts.push({ attempt: n, dueAt: iso(dueAt) });
    recorded = undefined;
    claimed = false;
    await activities.queueCallbackAttempt({
      caseNo: input.caseNo,
      workflowId: `callback-${input.caseNo}`,
      attempt: n,
      dueAt: iso(dueAt),
      customerName: input.customer.name,
      customerPhone: input.customer.phone,
      engineerId: input.engineerId,
      rating: input.rating,
      reworks: input.reworks,
      priority: callbackPriority(input.rating, input.reworks),
      productCategory: input.product.category,
      region: input.customer.region,
      caseKind: input.kind,
    });
    state.status = 'open';
    // The call center's CRM hears of the callback once, when it first falls due.
    if (n === 1) await notify(callbackDueMessage(input, dueAt));
    if (!(await condition(() => recorded !== undefined, policy.lapseMinutes * MINUTE))) {
      // Nobody worked the attempt in time: it counts as unreachable, and the next one is queued.
      if (claimed) await condition(() => recorded !== undefined);
      else {
        recorded = { attempt: n, outcome: 'unreachable', by: SYSTEM_ACTOR, via: 'lapsed' };
        await activities.recordCallbackAttempt({ ...recorded, caseNo: input.caseNo, recordedBy: 'system', recordedAt: iso(Date.now()) });
        markAttempt(recorded);
      }
    }
    if (FINAL_OUTCOMES.includes(recorded!.outcome)) return finish(recorded!);
  }

  // Every attempt failed: the survey by SMS, through the customer's case link.
  Object.assign(state, { status: 'survey', surveySentAt: iso(Date.now()) });
  recorded = undefined;
  claimed = false;
  const link = await activities.issueCustomerLink({ subjectNo: input.caseNo });
  await notify(callbackSurveyMessage(input, link));
  await activities.closeCallback({ caseNo: input.caseNo, status: 'survey', at: state.surveySentAt! });
  if (await condition(() => recorded !== undefined, policy.surveyWindowMinutes * MINUTE)) return finish(recorded!);
  return finish({ attempt: state.attempt, outcome: 'unreachable', by: SYSTEM_ACTOR, via: 'lapsed' });

  async function finish(rec: CallbackOutcomeRecord): Promise<CallbackState> {
    Object.assign(state, { outcome: rec.outcome, satisfaction: rec.satisfaction });
    if (rec.outcome === 'unsatisfied') state.complaintNo = await openComplaint(rec);
    await activities.closeCallback({
      caseNo: input.caseNo,
      status: 'done',
      at: iso(Date.now()),
      outcome: rec.outcome,
      satisfaction: rec.satisfaction,
      answers: rec.answers,
      note: rec.note,
      via: rec.via,
      doneBy: actorLabel(rec.by),
      complaintNo: state.complaintNo,
    });
    state.status = 'done';
    return state;
  }

  /** An unsatisfied customer: a complaint through the complaint workflow, once per case. */
  async function openComplaint(rec: CallbackOutcomeRecord): Promise<string> {
    const complaintNo = autoComplaintNo(input.caseNo, 'callback_unsatisfied');
    const grade: ComplaintGrade = (rec.satisfaction ?? 3) <= 1 ? 'serious' : 'general';
    const said = rec.note ? `: ${rec.note}` : '';
    try {
      await startChild(complaintWorkflow, {
        workflowId: complaintWorkflowId(complaintNo),
        parentClosePolicy: 'ABANDON',
        typedSearchAttributes: [
          { key: SA.ComplaintNo, value: complaintNo },
          { key: SA.ComplaintStage, value: 'received' },
          { key: SA.ComplaintGrade, value: grade },
          { key: SA.CaseNo, value: input.caseNo },
          { key: SA.SlaBreached, value: false },
        ],
        staticSummary: `${complaintNo} · ${grade} · automatic (callback_unsatisfied) · case ${input.caseNo}`,
        args: [
          {
            complaintNo,
            source: 'auto',
            trigger: { kind: 'callback_unsatisfied', rating: rec.satisfaction, comment: rec.note },
            openedBy: SYSTEM_ACTOR,
            intake: {
              category: 'other',
              grade,
              channel: 'auto',
              summary: `Automatic: the customer was unsatisfied on the ${rec.via === 'sms_survey' ? 'SMS survey' : 'satisfaction callback'} of case ${input.caseNo}${rec.satisfaction ? ` (${rec.satisfaction}/5)` : ''}${said}`,
              caseNo: input.caseNo,
              customer: { name: input.customer.name, phone: input.customer.phone, language: input.customer.language === 'en' ? 'en' : 'zh-CN' },
              ...(input.customer.region ? { region: input.customer.region } : {}),
            },
          },
        ],
      });
    } catch (err) {
      // Already opened (this run retried, or another path opened it): one complaint is enough.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return complaintNo;
  }
}
