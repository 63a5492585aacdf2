// Priority change (agent or supervisor, with a reason): audited on the timeline with the
// actor, old and new priority; the SLA clocks re-target through the same path as the
// automatic level-2 raise (CaseSlaClocks.changePriority). Deterministic.
import type { Actor, CaseState } from '../domain';
import type { PriorityChangeBody } from '../domain/schemas';
import { FAILURE } from '../domain/failures';
import { reject } from './activities';
import type { CaseCore } from './caseCore';

export class CasePriority {
  constructor(private readonly core: CaseCore) {}

  setup(): void {
    this.core.on<PriorityChangeBody>(
      'changePriority',
      (actor, body) => this.change(actor, body),
      (_actor, body) => {
        const state = this.core.state;
        if (body.priority === state.priority) {
          reject(FAILURE.unchanged, `case ${state.caseNo} is already ${state.priority}`, { currentStage: state.stage });
        }
      },
    );
  }

  private change(actor: Actor, body: PriorityChangeBody): Promise<CaseState> {
    const { core } = this;
    const from = core.state.priority;
    return core.advance(actor, 'priority.changed', { priority: { from, to: body.priority }, reason: body.reason }, () => {
      core.sla.changePriority(body.priority);
    });
  }
}
