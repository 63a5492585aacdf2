// The one way casework talks to Temporal with payloads: every client (API, launcher,
// scripts, tests) and every worker takes its data converter from here, so none can leave
// the encryption out (`npm run lint` refuses a `new Client` or `Worker.create` without a
// dataConverter). The workflow bundle is unaffected: codecs run outside the sandbox.
import fs from 'node:fs';
import { Client, type Connection, type TLSConfig } from '@temporalio/client';
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import { AesGcmPayloadCodec } from './payloadCodec';
import type { PayloadKeyring } from './payloadKeys';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { requestIdClientInterceptor } from './requestIdHeader';
import { tracing } from './tracing';

export function casePayloadCodec(keys: PayloadKeyring): PayloadCodec {
  return new AesGcmPayloadCodec(keys);
}

export function caseDataConverter(keys: PayloadKeyring): DataConverter {
  return { payloadCodecs: [casePayloadCodec(keys)] };
}

/**
 * A Temporal client that encrypts what it sends and decrypts what it reads, and passes the
 * current request id in a header (shared/requestIdHeader.ts); with tracing on
 * (shared/tracing.ts), also the active trace to the workflows it starts and updates.
 */
export function temporalClient(connection: Connection, keys: PayloadKeyring, namespace?: string): Client {
  const interceptors = { workflow: [requestIdClientInterceptor, ...(tracing().enabled ? [new OpenTelemetryWorkflowClientInterceptor()] : [])] };
  return new Client({ connection, namespace, dataConverter: caseDataConverter(keys), interceptors });
}

/** A PEM certificate or key: a file to read, or the PEM text itself. */
export type PemSource = { path: string } | { pem: string };

/** How casework authenticates to Temporal (config/env.ts reads it from TEMPORAL_TLS_*, TEMPORAL_API_KEY, a profile). */
export interface TemporalSecurity {
  /** Force TLS on (true) or off (false); unset: on when any TLS setting or an API key is given. */
  tls?: boolean;
  /** The client certificate and key for mTLS, the CA that signed the server's certificate. */
  clientCert?: PemSource;
  clientKey?: PemSource;
  serverCa?: PemSource;
  /** The name the server's certificate is checked against, when it differs from the address's host. */
  serverName?: string;
  /** Temporal Cloud API key (or a secured cluster's), sent as a bearer token; implies TLS. */
  apiKey?: string;
}

/**
 * The `tls` and `apiKey` connection options of every Temporal Connection and
 * NativeConnection casework makes (API, worker, setup script). Files are read once here,
 * so a missing certificate fails at start with its path rather than at the first call.
 */
export function temporalConnectionSecurity(s: TemporalSecurity = {}): { tls?: TLSConfig | boolean; apiKey?: string } {
  const read = (source: PemSource, what: string) => {
    if ('pem' in source) return Buffer.from(source.pem);
    try {
      return fs.readFileSync(source.path);
    } catch (err) {
      throw new Error(`cannot read the Temporal TLS ${what} ${source.path}: ${(err as Error).message}`, { cause: err });
    }
  };
  const hasTlsSettings = Boolean(s.clientCert || s.clientKey || s.serverCa || s.serverName);
  const useTls = s.tls ?? (hasTlsSettings || Boolean(s.apiKey));
  if (!useTls) {
    if (hasTlsSettings) throw new Error('TEMPORAL_TLS=false contradicts the TEMPORAL_TLS_* certificate settings');
    return s.apiKey ? { apiKey: s.apiKey } : {};
  }
  if (Boolean(s.clientCert) !== Boolean(s.clientKey)) throw new Error('the client certificate and its key go together (mTLS needs both)');
  const tls: TLSConfig = {
    ...(s.serverName ? { serverNameOverride: s.serverName } : {}),
    ...(s.serverCa ? { serverRootCACertificate: read(s.serverCa, 'CA certificate') } : {}),
    ...(s.clientCert && s.clientKey ? { clientCertPair: { crt: read(s.clientCert, 'client certificate'), key: read(s.clientKey, 'client key') } } : {}),
  };
  return { tls: Object.keys(tls).length ? tls : true, ...(s.apiKey ? { apiKey: s.apiKey } : {}) };
}
