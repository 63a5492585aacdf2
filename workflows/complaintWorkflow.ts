// One workflow per complaint (投诉闭环): received → acknowledged → investigating →
// resolution proposed → customer confirmed → callback verified → closed. The graded
// response standard runs as two durable clocks (acknowledge, resolve) on the same SLA
// engine as case clocks, warning and escalating through the same ladder. Deterministic
// only: all I/O is in activities.
//
// In the shape of the case workflow: `setup()` registers the handlers, `run()` opens the
// complaint and runs its loops; the state and `advance` live in ComplaintCore.
import { allHandlersFinished, condition } from '@temporalio/workflow';
import type { ComplaintStage, ComplaintWorkflowInput } from '../domain/complaints';
import { localTime, WEBHOOK_SUBSCRIBERS } from '../domain/notifications';
import { ComplaintActions } from './complaintActions';
import { ComplaintCore } from './complaintCore';

export interface ComplaintOutcome {
  complaintNo: string;
  stage: ComplaintStage;
  closedAt?: string;
}

export async function complaintWorkflow(input: ComplaintWorkflowInput): Promise<ComplaintOutcome> {
  const wf = new ComplaintWorkflow(input);
  wf.setup();
  return wf.run();
}

class ComplaintWorkflow {
  private readonly core: ComplaintCore;
  private readonly actions: ComplaintActions;

  constructor(input: ComplaintWorkflowInput) {
    this.core = new ComplaintCore(input);
    this.actions = new ComplaintActions(this.core);
  }

  /** Queries and updates, before the first await. */
  setup(): void {
    this.core.setup();
    this.actions.setup();
  }

  async run(): Promise<ComplaintOutcome> {
    const core = this.core;
    const state = core.state;
    await core.recordOpening(await core.activities.loadSlaPolicy());
    state.recorded = true;
    const acknowledgeBy = localTime(state.acknowledgeBy!, state.sla.policy.calendar.utcOffsetMinutes);
    core.queueMessage('opened', 'complaint.opened', 'sms', state.customer.phone, { customerName: core.customerName(), acknowledgeBy });
    core.queueMessage('opened', 'complaint.opened', 'webhook', WEBHOOK_SUBSCRIBERS, { customerName: core.customerName(), acknowledgeBy });
    await Promise.all([core.sla.run(), core.runOutbox()]);
    await condition(allHandlersFinished);
    return { complaintNo: state.complaintNo, stage: state.stage, closedAt: state.closedAt };
  }
}
