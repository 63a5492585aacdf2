// The one way casework talks to Temporal with payloads: every client (API, launcher,
// scripts, tests) and every worker takes its data converter from here, so none can leave
// the encryption out (`npm run lint` refuses a `new Client` or `Worker.create` without a
// dataConverter). The workflow bundle is unaffected: codecs run outside the sandbox.
import { Client, type Connection } from '@temporalio/client';
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import { AesGcmPayloadCodec } from './payloadCodec';
import type { PayloadKeyring } from './payloadKeys';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { tracing } from './tracing';

export function casePayloadCodec(keys: PayloadKeyring): PayloadCodec {
  return new AesGcmPayloadCodec(keys);
}

export function caseDataConverter(keys: PayloadKeyring): DataConverter {
  return { payloadCodecs: [casePayloadCodec(keys)] };
}

/**
 * A Temporal client that encrypts what it sends and decrypts what it reads; with tracing
 * on (shared/tracing.ts), it passes the active trace to the workflows it starts and updates.
 */
export function temporalClient(connection: Connection, keys: PayloadKeyring, namespace?: string): Client {
  const interceptors = tracing().enabled ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined;
  return new Client({ connection, namespace, dataConverter: caseDataConverter(keys), interceptors });
}
