// The case's SLA clocks wired to the case: their events go through `advance`, fired
// thresholds and stopped clocks are recorded by activities, warnings and escalations go
// to the people on duty when they fire (older runs: the contacts they were opened with,
// for what fired before they were routed too), and level 3 takes a held case back.
import { addWorkingMs, STAGE_LABELS, SYSTEM_ACTOR, type SlaClock, type Threshold } from '../domain';
import { messagePersonId } from '../domain/duty';
import { localTime } from '../domain/notifications';
import type { CaseCore } from './caseCore';
import { now, slaResultRecord } from './caseState';
import { CaseSlaClocks } from './caseSla';
import { routesToDuty, routeThreshold } from './dutyRouting';

const MINUTE = 60_000;

export function wireCaseSla(core: CaseCore, takeBack: (reason: string) => Promise<void>): CaseSlaClocks {
  const state = core.state;
  /** A fired threshold as `escalations` stores it (after its event's change: the stage it fired in). */
  const record = (c: SlaClock, t: Threshold, dueAt: number) => ({
    caseNo: state.caseNo,
    workflowId: state.workflowId,
    clock: c.clock,
    cycle: c.cycle,
    kind: t.kind,
    level: t.level,
    actions: t.actions,
    stage: state.stage,
    targetMinutes: c.targetMs / MINUTE,
    dueAt: new Date(dueAt).toISOString(),
    firedAt: now(),
  });
  return new CaseSlaClocks({
    state,
    advance: (type, data, change, fired) =>
      core.advance(SYSTEM_ACTOR, type, data, change, fired ? () => ({ threshold: record(fired.clock, fired.threshold, fired.dueAt) }) : undefined),
    thresholdWithEvent: () => core.oneWrite,
    recordThreshold: (c, t, dueAt) => core.activities.recordSlaThreshold(record(c, t, dueAt)),
    // Runs without ONE_WRITE_PATCH: an activity per result, from the clock loop.
    recordResult: (r) => core.activities.recordSlaResult(slaResultRecord(state, r)),
    // Duty routing: the people on duty for the case's region when the threshold fires
    // (runs opened before it too, for what fires from OPEN_RUNS_ROUTING_PATCH on).
    route: (_c, t) => (routesToDuty(state.settings) ? routeThreshold(core.activities, t, state.intake.customer.region) : undefined),
    notify: (c, t, _dueAt, routed) => {
      // The clock's own deadline (100% of the target), whichever threshold fired.
      const deadline = addWorkingMs(c.startedAt, c.targetMs + c.pausedMs, c.mode, state.sla.policy.calendar);
      const vars = { stage: STAGE_LABELS[state.stage], deadline: localTime(deadline, state.sla.policy.calendar.utcOffsetMinutes), level: t.level };
      const subject = `${state.caseNo}#sla-${c.clock}-${c.cycle}-${t.key}`;
      const event = t.kind === 'warning' ? 'sla.warning' : 'sla.escalation';
      if (routed) {
        for (const p of routed) core.queueMessage(subject, event, p.channel, p.address, { ...vars, role: p.role }, p.language, messagePersonId(p));
      } else if (state.settings.contacts) {
        // Runs started before duty routing, replaying thresholds fired before OPEN_RUNS_ROUTING_PATCH: the fixed contacts.
        const contacts = state.settings.contacts;
        if (t.kind === 'warning') core.queueMessage(subject, 'sla.warning', 'email', contacts.supervisorEmail, vars);
        if (t.actions.includes('notify_supervisor'))
          core.queueMessage(subject, 'sla.escalation', 'email', contacts.supervisorEmail, { ...vars, role: 'supervisor' });
        if (t.actions.includes('notify_manager')) core.queueMessage(subject, 'sla.escalation', 'email', contacts.managerEmail, { ...vars, role: 'manager' });
      }
      if (t.kind === 'escalation') core.queueMessage(subject, 'sla.escalation', 'webhook', '*', { ...vars, role: 'ops' });
    },
    forceRedispatch: (clock) => takeBack(`SLA ${clock} level-3 escalation`),
    isClosed: () => core.isClosed(),
    waiter: () => core.waiter(),
  });
}
