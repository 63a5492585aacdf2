// What the worker adds for observability (README "Observability"):
// - tracing (shared/tracing.ts): the OpenTelemetry activity interceptors and the client
//   interceptor of the activities' client when tracing is on; the workflow interceptors
//   are in the traced workflow bundle only (worker/workflowBundle.ts); the span sink is
//   always injected (a no-op when off) so either bundle finds it;
// - log context: each activity runs in a LogContext naming its case or complaint (from the
//   workflow id) and the request id its headers carry, so every line it logs has them
//   (shared/logContext.ts); the runtime logger (worker/createWorker.ts) adds the number to
//   workflow log lines;
// - Temporal SDK metrics: the runtime's Prometheus exporter on TEMPORAL_METRICS_ADDRESS.
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import type { OpenTelemetryWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { runWithLogContext, subjectOfWorkflowId } from '../shared/logContext';
import { tracing } from '../shared/tracing';
import { requestIdClientInterceptor, requestIdOfHeaders } from '../shared/requestIdHeader';

// The request id comes in the activity's headers (workflows/requestIdInterceptors.ts), with tracing off too.
const activityLogContext: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    execute: (input, next) => {
      const requestId = requestIdOfHeaders(input.headers);
      const subject = subjectOfWorkflowId(ctx.info.workflowExecution?.workflowId ?? '');
      return runWithLogContext(requestId ? { ...subject, requestId } : subject, () => next(input));
    },
  },
});

/** The worker's interceptors besides `own` (the error classification): tracing outermost, then the log context. */
export function observedInterceptors(own: ActivityInterceptorsFactory[]): WorkerInterceptors {
  // The activities' own client (Context.current().client) passes the request id on as the API's does.
  if (!tracing().enabled) return { client: { workflow: [requestIdClientInterceptor] }, activity: [activityLogContext, ...own] };
  const traced: ActivityInterceptorsFactory = (ctx) => ({
    inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
    outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
  });
  return {
    client: { workflow: [requestIdClientInterceptor, new OpenTelemetryWorkflowClientInterceptor()] },
    activity: [traced, activityLogContext, ...own],
  };
}

/** The sink the bundled workflow interceptors export their spans to. */
export function workflowSpanSinks(): InjectedSinks<{ exporter: OpenTelemetryWorkflowExporter }> {
  const { spanProcessor, resource } = tracing();
  return { exporter: makeWorkflowExporter(spanProcessor, resource) };
}

/**
 * The runtime's telemetry options: the SDK's own metrics (task latencies, schedule-to-start,
 * pollers, slots) as Prometheus on TEMPORAL_METRICS_ADDRESS (host:port, e.g. 127.0.0.1:9465);
 * unset, none. The runtime is installed once per process, so the first worker decides.
 */
export function runtimeMetrics(env: NodeJS.ProcessEnv = process.env): { metrics?: { prometheus: { bindAddress: string } } } {
  const bindAddress = env.TEMPORAL_METRICS_ADDRESS;
  return bindAddress ? { metrics: { prometheus: { bindAddress } } } : {};
}
