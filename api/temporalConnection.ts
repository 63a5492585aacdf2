import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionOptions } from '@temporalio/client';
import { temporalConnectionSecurity, type TemporalSecurity } from '../shared/temporalData';

/**
 * Connection options for the API's Temporal client. The SDK's default retries an
 * unreachable server for ~20 s; an HTTP caller is better served by a 503 within a
 * couple of seconds and its own retry (the Idempotency-Key makes that safe).
 */
export function apiConnectionOptions(address: string, security: TemporalSecurity = {}): ConnectionOptions {
  return {
    address,
    // TLS / API key (TEMPORAL_TLS_*, TEMPORAL_API_KEY).
    ...temporalConnectionSecurity(security),
    connectTimeout: 2_000,
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 3, initialIntervalMs: () => 200 }))],
  };
}

/** Lazy: the API starts (and /health reports) even while Temporal is still coming up. */
export function lazyApiConnection(address: string, security: TemporalSecurity = {}): Connection {
  return Connection.lazy(apiConnectionOptions(address, security));
}
