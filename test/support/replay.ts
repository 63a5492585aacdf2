// Replays a workflow's real history (from the test stack's Temporal) against the current
// workflow code: a nondeterminism error fails the test.
import { Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { stackInfo } from './stackInfo';
import { testClient, testDataConverter } from './payloadKeys';
import { workflowInterceptorModules } from '../../worker/workflowBundle';
import { workflowSpanSinks } from '../../worker/observability';

export async function replayWorkflow(workflowId: string): Promise<void> {
  const connection = await Connection.connect({ address: stackInfo().temporalAddress });
  try {
    const history = await testClient(connection).workflow.getHandle(workflowId).fetchHistory();
    await Worker.runReplayHistory(
      {
        workflowsPath: require.resolve('../../workflows'),
        // The test stack's worker runs untraced.
        interceptors: { workflowModules: workflowInterceptorModules(false) },
        sinks: workflowSpanSinks(),
        dataConverter: testDataConverter(),
      },
      history,
      workflowId,
    );
  } finally {
    await connection.close();
  }
}

export const replayCase = (caseNo: string) => replayWorkflow(`case-${caseNo}`);
