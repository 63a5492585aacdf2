// Replays a workflow's real history (from the test stack's Temporal) against the current
// workflow code: a nondeterminism error fails the test.
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { stackInfo } from './stackInfo';

export async function replayWorkflow(workflowId: string): Promise<void> {
  const connection = await Connection.connect({ address: stackInfo().temporalAddress });
  try {
    const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
    await Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history, workflowId);
  } finally {
    await connection.close();
  }
}

export const replayCase = (caseNo: string) => replayWorkflow(`case-${caseNo}`);
