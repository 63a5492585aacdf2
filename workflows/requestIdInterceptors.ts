// Workflow interceptors bundled into both workflow bundles (worker/workflowBundle.ts): the
// request id the API put in the start, Update or signal header (domain/requestIdHeader.ts)
// is kept for the code that runs from it (the main function for the start's request, each
// handler for its own, as OpenTelemetry's context is), passed on in the headers of the
// activities and child workflows it schedules, and added to its workflow log lines. A
// header on a command is not part of the determinism check: histories recorded without it
// replay the same (test/workflows/historyReplay.test.ts).
import { AsyncLocalStorage, defaultPayloadConverter, type Headers, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { REQUEST_ID_HEADER } from '../domain/requestIdHeader';

function requestIdOf(headers: Headers): string | undefined {
  const payload = headers[REQUEST_ID_HEADER];
  if (!payload) return undefined;
  try {
    const value: unknown = defaultPayloadConverter.fromPayload(payload);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => {
  // One per workflow: the sandbox's AsyncLocalStorage follows the handler's promises.
  const storage = new AsyncLocalStorage<string>();
  const within = <T>(headers: Headers, fn: () => T): T => {
    const id = requestIdOf(headers);
    return id ? storage.run(id, fn) : fn();
  };
  const passOn = (headers: Headers): Headers => {
    const id = storage.getStore();
    return id && !headers[REQUEST_ID_HEADER] ? { ...headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(id) } : headers;
  };
  return {
    inbound: [
      {
        execute: (input, next) => within(input.headers, () => next(input)),
        handleUpdate: (input, next) => within(input.headers, () => next(input)),
        handleSignal: (input, next) => within(input.headers, () => next(input)),
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) => next({ ...input, headers: passOn(input.headers) }),
        scheduleLocalActivity: (input, next) => next({ ...input, headers: passOn(input.headers) }),
        startChildWorkflowExecution: (input, next) => next({ ...input, headers: passOn(input.headers) }),
        getLogAttributes: (input, next) => {
          const id = storage.getStore();
          return next(id ? { requestId: id, ...input } : input);
        },
      },
    ],
  };
};
