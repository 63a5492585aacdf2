// The live workflow state for GET of a case or complaint. A closed workflow's last
// snapshot is its final state (querying it would replay the whole history); an open one
// is queried, but only for a short while: with no worker polling, a query waits, and
// the caller is better served by the PostgreSQL snapshot, marked as such.
import type { Client } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';
import type { Logger } from 'pino';

export type LiveSource = 'workflow' | 'projection' | 'none';

export async function liveState<T>(opts: {
  client: Client;
  workflowId: string;
  query: QueryDefinition<T>;
  closed: boolean;
  snapshot: unknown;
  deadlineMs: number;
  log?: Logger;
}): Promise<{ live: unknown; liveSource: LiveSource }> {
  const fromProjection = { live: opts.snapshot ?? null, liveSource: (opts.snapshot ? 'projection' : 'none') as LiveSource };
  if (opts.closed && opts.snapshot) return fromProjection;
  try {
    const live = await opts.client.withDeadline(Date.now() + opts.deadlineMs, () => opts.client.workflow.getHandle(opts.workflowId).query(opts.query));
    return { live, liveSource: 'workflow' };
  } catch (err) {
    opts.log?.warn({ err, workflowId: opts.workflowId }, 'live state unavailable; answering from PostgreSQL');
    return fromProjection;
  }
}
