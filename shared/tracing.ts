// OpenTelemetry tracing, on only when OTEL_EXPORTER_OTLP_ENDPOINT is set: then a tracer
// provider exporting over OTLP/HTTP (batched) is registered with the async-local-storage
// context manager and the W3C trace-context + baggage propagators, and the Temporal
// interceptors (client: shared/temporalData.ts; worker: worker/tracing.ts) carry the
// context from the HTTP request into the workflow and its activities. Off, nothing is
// registered: the OpenTelemetry API stays a no-op and the interceptors are left out.
import { context, propagation, trace, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface Tracing {
  enabled: boolean;
  /** Where the worker's workflow span sink sends the spans made in the sandbox. */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Exports what is still buffered. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = {
  enabled: false,
  spanProcessor: new NoopSpanProcessor(),
  resource: Resource.empty(),
  shutdown: async () => undefined,
};

let current: Tracing = OFF;

/**
 * Starts tracing for this process if the environment asks for it (once: the API and the
 * worker share a process under `npm start`, and the first caller names the service).
 * OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is read by the
 * exporter itself, as are OTEL_EXPORTER_OTLP_HEADERS; OTEL_SERVICE_NAME overrides the name.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing {
  if (current.enabled) return current;
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return OFF;
  const resource = new Resource({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? serviceName });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 1_000 });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Registers the AsyncLocalStorage context manager and the tracecontext + baggage propagators.
  provider.register();
  current = { enabled: true, spanProcessor, resource, shutdown: () => provider.shutdown() };
  return current;
}

export function tracing(): Tracing {
  return current;
}

/** The baggage entry that carries the HTTP request id into the workflow and its activities. */
export const REQUEST_ID_BAGGAGE = 'casework.request_id';

/** The active trace's ids, for a log line; none when tracing is off or nothing is active. */
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  const span: Span | undefined = trace.getActiveSpan();
  const ctx = span?.spanContext();
  if (!ctx || !trace.isSpanContextValid(ctx)) return {};
  return { trace_id: ctx.traceId, span_id: ctx.spanId };
}

/** The request id the active context carries as baggage (set by the API's request span). */
export function baggageRequestId(): string | undefined {
  return propagation.getBaggage(context.active())?.getEntry(REQUEST_ID_BAGGAGE)?.value;
}
