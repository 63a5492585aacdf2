// One workflow per case: the durable owner of its stage. Deterministic only: all I/O
// happens in activities. Moves come in as Updates (validated against the stage and the
// engineer's ownership); the main loop drives what happens by itself: automatic
// dispatch with offers that time out, and the engineer's contact window.
//
// The workflow is a small class in the shape of Temporal's reference apps: `setup()`
// registers every handler, `run()` opens the case and runs its loops. The state and
// `advance` live in CaseCore; the handler modules register on it.
import { allHandlersFinished, condition, patched } from '@temporalio/workflow';
import { isOpenStage, type CaseState, type CaseWorkflowInput } from '../domain';
import { CaseAssignment } from './caseAssignment';
import { CaseClosure } from './caseClosure';
import { CaseCore } from './caseCore';
import { CaseDispatch } from './caseDispatch';
import { CasePriority } from './casePriority';
import { CaseReminders } from './caseReminders';
import { CaseRescheduleRequests } from './caseRescheduleRequests';
import { wireCaseSla } from './caseSlaWiring';
import { queueCaseOpened } from './caseMessages';
import { CaseVisit } from './caseVisit';

export { dispatchPolicyFrom } from './caseState';

export interface CaseOutcome {
  caseNo: string;
  stage: CaseState['stage'];
  closedAt?: string;
}

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseOutcome> {
  const wf = new CaseWorkflow(input);
  wf.setup();
  return wf.run();
}

class CaseWorkflow {
  private readonly core: CaseCore;
  private readonly dispatch: CaseDispatch;
  private readonly assignment: CaseAssignment;
  private readonly closure: CaseClosure;
  private readonly visit: CaseVisit;
  private readonly reminders: CaseReminders;
  private readonly priority: CasePriority;
  private readonly rescheduleRequests: CaseRescheduleRequests;

  constructor(input: CaseWorkflowInput) {
    // SLA level 3 on a held case takes it back from the engineer (caseDispatch).
    this.core = new CaseCore(input, (core) => wireCaseSla(core, (reason) => this.dispatch.takeFromEngineer(reason)));
    this.dispatch = new CaseDispatch(this.core);
    this.assignment = new CaseAssignment(this.core);
    this.closure = new CaseClosure(this.core);
    this.visit = new CaseVisit(this.core, (signed) => this.closure.askForConfirmation(signed));
    this.priority = new CasePriority(this.core);
    this.rescheduleRequests = new CaseRescheduleRequests(this.core);
    this.reminders = new CaseReminders(this.core, (actor, type, c) => this.closure.archive(actor, type, c));
  }

  /** Queries and updates, before the first await: an update that came with the start finds its handler. */
  setup(): void {
    this.core.setup();
    this.assignment.setup();
    this.visit.setup();
    this.closure.setup();
    this.priority.setup();
    // New handlers (a customer's reschedule request): no command until such an Update arrives.
    this.rescheduleRequests.setup();
  }

  async run(): Promise<CaseOutcome> {
    const core = this.core;
    // The API passes the policy in force (runs it started before did not): no activity to load it.
    const given = core.input.slaPolicy && patched('sla-policy-in-input') ? core.input.slaPolicy : undefined;
    await core.recordOpening(given ?? (await core.activities.loadSlaPolicy()));
    core.state.recorded = true;
    queueCaseOpened(core);
    await Promise.all([this.drive(), core.sla.run(), this.reminders.run(), core.runOutbox()]);
    await condition(allHandlersFinished);
    return { caseNo: core.state.caseNo, stage: core.state.stage, closedAt: core.state.closedAt };
  }

  /** Until the case closes: dispatch while it waits for an engineer, watch the contact window, else sleep until it moves. */
  private async drive(): Promise<void> {
    const state = this.core.state;
    while (isOpenStage(state.stage)) {
      if (state.stage === 'accepted') await this.dispatch.round();
      else if (state.stage === 'dispatched') await this.dispatch.contactWindow();
      else {
        const seen = this.core.epoch;
        await condition(() => this.core.epoch !== seen);
      }
    }
  }
}
