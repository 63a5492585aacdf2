// What the worker adds for observability (README "Observability"):
// - tracing (shared/tracing.ts): the OpenTelemetry activity interceptors and the client
//   interceptor of the activities' client when tracing is on; the workflow interceptors
//   are in the traced workflow bundle only (worker/workflowBundle.ts); the span sink is
//   always injected (a no-op when off) so either bundle finds it;
// - log context: each activity runs in a LogContext naming its case or complaint (from the
//   workflow id), so every line it logs carries the number (shared/logContext.ts);
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

const activityLogContext: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    execute: (input, next) => runWithLogContext(subjectOfWorkflowId(ctx.info.workflowExecution?.workflowId ?? ''), () => next(input)),
  },
});

/** The worker's interceptors besides `own` (the error classification): tracing outermost, then the log context. */
export function observedInterceptors(own: ActivityInterceptorsFactory[]): WorkerInterceptors {
  if (!tracing().enabled) return { activity: [activityLogContext, ...own] };
  const traced: ActivityInterceptorsFactory = (ctx) => ({
    inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
    outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
  });
  return { client: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] }, activity: [traced, activityLogContext, ...own] };
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
