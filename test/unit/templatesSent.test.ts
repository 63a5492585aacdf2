// Every template is sent somewhere: a hand-written table of where each event of
// domain/notifications.ts is queued (workflow code, or the pure builder a workflow
// calls), checked against the source. A template nobody sends, or a new one missing
// here, fails.
import fs from 'node:fs';
import path from 'node:path';
import { NOTIFICATION_EVENTS } from '../../domain/notifications';

const ROOT = path.join(__dirname, '..', '..');

// event → [the file that queues it, the workflow file that runs it]
const SENT_FROM: Record<string, [string, string]> = {
  'case.opened': ['workflows/caseMessages.ts', 'workflows/caseWorkflow.ts'],
  'engineer.assigned': ['workflows/caseVisit.ts', 'workflows/caseVisit.ts'],
  'engineer.offered': ['workflows/caseMessages.ts', 'workflows/caseDispatch.ts'],
  'engineer.case_assigned': ['workflows/caseAssignment.ts', 'workflows/caseAssignment.ts'],
  'engineer.unassigned': ['workflows/caseMessages.ts', 'workflows/caseDispatch.ts'],
  'engineer.unassigned_visit_cancelled': ['workflows/caseMessages.ts', 'workflows/caseDispatch.ts'],
  'engineer.offer_withdrawn': ['workflows/caseMessages.ts', 'workflows/caseDispatch.ts'],
  'engineer.case_cancelled': ['workflows/caseClosure.ts', 'workflows/caseClosure.ts'],
  'engineer.rescheduled': ['workflows/caseMessages.ts', 'workflows/caseVisit.ts'],
  'appointment.reminder': ['workflows/caseReminders.ts', 'workflows/caseReminders.ts'],
  'engineer.reminder': ['workflows/caseReminders.ts', 'workflows/caseReminders.ts'],
  'contact.reminder': ['workflows/caseMessages.ts', 'workflows/caseReminders.ts'],
  'quote.awaiting_approval': ['workflows/caseVisit.ts', 'workflows/caseVisit.ts'],
  'case.awaiting_confirmation': ['workflows/caseClosure.ts', 'workflows/caseClosure.ts'],
  'confirmation.reminder': ['workflows/caseReminders.ts', 'workflows/caseReminders.ts'],
  'sla.warning': ['workflows/caseSlaWiring.ts', 'workflows/caseSlaWiring.ts'],
  'sla.escalation': ['workflows/caseSlaWiring.ts', 'workflows/caseSlaWiring.ts'],
  'complaint.opened': ['workflows/complaintWorkflow.ts', 'workflows/complaintWorkflow.ts'],
  'complaint.resolution_proposed': ['workflows/complaintActions.ts', 'workflows/complaintActions.ts'],
  'complaint.warning': ['workflows/complaintCore.ts', 'workflows/complaintCore.ts'],
  'complaint.escalation': ['workflows/complaintCore.ts', 'workflows/complaintCore.ts'],
  'complaint.closed': ['workflows/complaintActions.ts', 'workflows/complaintActions.ts'],
  'complaint.assigned': ['workflows/complaintCore.ts', 'workflows/complaintCore.ts'],
  'callback.due': ['domain/aftercareMessages.ts', 'workflows/aftercareWorkflow.ts'],
  'maintenance.due': ['domain/aftercareMessages.ts', 'workflows/aftercareWorkflow.ts'],
  'callback.survey': ['domain/aftercareMessages.ts', 'workflows/callbackWorkflow.ts'],
  'maintenance.reminder': ['domain/aftercareMessages.ts', 'workflows/maintenanceWorkflow.ts'],
  'reschedule.requested': ['workflows/caseRescheduleRequests.ts', 'workflows/caseRescheduleRequests.ts'],
  'engineer.reschedule_requested': ['workflows/caseRescheduleRequests.ts', 'workflows/caseRescheduleRequests.ts'],
  'reschedule.declined': ['workflows/caseRescheduleRequests.ts', 'workflows/caseRescheduleRequests.ts'],
};

const source = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

test('the table lists every template, no more', () => {
  expect([...NOTIFICATION_EVENTS].sort()).toEqual(Object.keys(SENT_FROM).sort());
});

test.each(Object.entries(SENT_FROM))('%s is queued in %s', (event, [file, runner]) => {
  // As a literal argument, not in a comment.
  const code = source(file).replace(/\/\/.*$/gm, '');
  expect(code).toContain(`'${event}'`);
  // The builder is called by the workflow that runs it.
  if (runner !== file) {
    const exported = [...code.matchAll(/export (?:async )?function (\w+)/g)].map((m) => m[1]!);
    const callers = exported.filter((fn) => source(runner).includes(`${fn}(`));
    expect(callers.length).toBeGreaterThan(0);
  }
});
