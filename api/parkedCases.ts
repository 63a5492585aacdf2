// Cases and complaints parked by a step the database refused for good (workflows/parking.ts):
// found by their NeedsAttention search attribute, explained by their live state, resumed by ops.
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Actor } from '../domain';
import { getComplaintState } from '../workflows/complaintDefinitions';
import { getCaseState } from '../workflows/definitions';
import { resumeParked } from '../workflows/parking';

type ParkedCall = { activity: string; error: string; since: string };
export type ParkedKind = 'case' | 'complaint';

const KINDS = {
  case: { workflowType: 'caseWorkflow', prefix: 'case-', query: getCaseState },
  complaint: { workflowType: 'complaintWorkflow', prefix: 'complaint-', query: getComplaintState },
} as const;

/** Open workflows of one kind whose NeedsAttention search attribute is set, by business number. */
export async function parkedWorkflows(client: Client, kind: ParkedKind, limit: number): Promise<Array<{ no: string; workflowId: string }>> {
  const { workflowType, prefix } = KINDS[kind];
  const found: Array<{ no: string; workflowId: string }> = [];
  const query = `WorkflowType = '${workflowType}' AND NeedsAttention = true AND ExecutionStatus = 'Running'`;
  for await (const wf of client.workflow.list({ query, pageSize: limit })) {
    if (wf.workflowId.startsWith(prefix)) found.push({ no: wf.workflowId.slice(prefix.length), workflowId: wf.workflowId });
    if (found.length >= limit) break;
  }
  return found;
}

/** The parked calls of one workflow; none when its live state cannot be had in time. */
export async function parkedCalls(client: Client, kind: ParkedKind, workflowId: string, deadlineMs: number): Promise<ParkedCall[]> {
  try {
    const handle = client.workflow.getHandle(workflowId);
    const state = await client.withDeadline(Date.now() + deadlineMs, () => handle.query<{ attention?: ParkedCall[] }>(KINDS[kind].query));
    return state.attention ?? [];
  } catch {
    return [];
  }
}

/**
 * Ops' "retry now": resets the backoff of every activity that has failed at least once and
 * resumes the parked steps. A workflow from before parking existed has none to resume.
 */
export async function retryNow(client: Client, workflowId: string, actor: Actor, reason: string): Promise<{ reset: string[]; resumed: number }> {
  const handle = client.workflow.getHandle(workflowId);
  const d = await handle.describe();
  const reset: string[] = [];
  for (const a of d.raw.pendingActivities ?? []) {
    if ((a.attempt ?? 0) <= 1 || !a.activityId) continue;
    await client.workflowService.resetActivity({
      namespace: client.options.namespace,
      execution: { workflowId },
      id: a.activityId,
      identity: `casework-api:${actor.role}:${actor.subject ?? ''}`,
      resetHeartbeat: false,
      keepPaused: false,
    });
    reset.push(a.activityId);
  }
  if (d.status.name !== 'RUNNING') return { reset, resumed: 0 };
  try {
    const { resumed } = await handle.executeUpdate(resumeParked, { args: [actor, { reason }] });
    return { reset, resumed };
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && /no registered handler|unknown update/i.test(String(err.cause?.message ?? '')))
      return { reset, resumed: 0 };
    throw err;
  }
}
