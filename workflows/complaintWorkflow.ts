// One workflow per complaint (投诉闭环): received → acknowledged → investigating →
// resolution proposed → customer confirmed → callback verified → closed. The graded
// response standard runs as two durable clocks (acknowledge, resolve) on the same SLA
// engine as case clocks, warning and escalating through the same ladder. Deterministic
// only: all I/O is in activities.
//
// In the shape of the case workflow: `setup()` registers the handlers, `run()` opens the
// complaint and runs its loops; the state and `advance` live in ComplaintCore.
import { allHandlersFinished, condition } from '@temporalio/workflow';
import { UNASSIGNED_OWNER, type ComplaintStage, type ComplaintWorkflowInput } from '../domain/complaints';
import { isRouted, routingRecord, type RoutedPerson } from '../domain/duty';
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
    // Duty routing: the supervisor on duty in the complaint's region owns it (or the one named).
    const owner = state.settings.routing === 'duty' ? await this.routeOwner() : undefined;
    await core.recordOpening(await core.activities.loadSlaPolicy());
    state.recorded = true;
    if (owner) core.tellOwner('assigned', owner);
    const acknowledgeBy = localTime(state.acknowledgeBy!, state.sla.policy.calendar.utcOffsetMinutes);
    core.queueMessage('opened', 'complaint.opened', 'sms', state.customer.phone, { customerName: core.customerName(), acknowledgeBy });
    core.queueMessage('opened', 'complaint.opened', 'webhook', WEBHOOK_SUBSCRIBERS, { customerName: core.customerName(), acknowledgeBy });
    await Promise.all([core.sla.run(), core.runOutbox()]);
    await condition(allHandlersFinished);
    return { complaintNo: state.complaintNo, stage: state.stage, closedAt: state.closedAt };
  }

  /** The owner at open: the person named at intake, else the routing's supervisor; nobody leaves it 'unassigned' (on the timeline). */
  private async routeOwner(): Promise<RoutedPerson | undefined> {
    const state = this.core.state;
    const named = this.core.input.intake.owner;
    const routing = named
      ? ((await this.core.activities.personContact({ personId: named, role: 'supervisor' })) ?? { role: 'supervisor', via: 'none' as const })
      : (await this.core.activities.routeToDuty({ roles: ['supervisor'], region: state.region, at: state.openedAt }))[0]!;
    state.ownerRouting = routingRecord(routing);
    if (!isRouted(routing)) {
      state.owner = named ?? UNASSIGNED_OWNER;
      return undefined;
    }
    state.owner = routing.personId;
    state.ownerName = routing.name;
    return routing;
  }
}
