// The workflow run a timeline event belongs to. The workflow puts it on the event; an
// event scheduled by older workflow code has none, and then the activity's own run (the
// run that scheduled it) stands in. Outside an activity (a direct call) it is ''.
import { Context } from '@temporalio/activity';

export function eventRunId(event: { runId?: string }): string {
  if (event.runId) return event.runId;
  try {
    return Context.current().info.workflowExecution?.runId ?? '';
  } catch {
    return '';
  }
}
