// The API's composition root: the one place that turns the environment into a running
// HTTP API. `npm run api` (api/main.ts) and `npm start` (launcher/stack.ts) both start
// the API here, so a setting the API reads reaches both (they used to wire createApp
// each on their own).
import type { Server } from 'node:http';
import type { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { apiDeadlines, apiEdge, apiKeySecret, apiLimits, customerLinkConfig, type Env } from '../config/env';
import { requirePayloadKeys } from '../config/payloadKeys';
import type { Database } from '../db/client';
import type { PayloadKeyring } from '../shared/payloadKeys';
import { casePayloadCodec, temporalClient } from '../shared/temporalData';
import { createApp, type AppDeps } from './app';
import { parseApiKeys } from './auth';
import { gatedServer } from './bootGate';
import type { DevOutboxSource } from './routes/webhooks';

/** What the API takes from the environment. */
export interface ApiSettings {
  port: number;
  host: string;
  namespace: string;
  /** Temporal payload keys: the API's client encrypts with them and /codec/* uses them. */
  payloadKeys: PayloadKeyring;
  app: Pick<
    AppDeps,
    | 'taskQueue'
    | 'envKeys'
    | 'maxBodyBytes'
    | 'customerLinks'
    | 'dispatchPolicy'
    | 'deadlines'
    | 'limits'
    | 'edge'
    | 'webhookAllowedTargets'
    | 'codecCorsOrigins'
    | 'hotline'
    | 'timeZone'
  >;
}

/**
 * Reads the API's settings; a configuration error throws here, before anything listens.
 * `customerLinkSecret`, `apiKeySecret` and `payloadKeys` stand in for an unset
 * CUSTOMER_LINK_SECRET, API_KEY_SECRET and PAYLOAD_KEYS (`npm start` keeps them in
 * DATA_DIR); `npm run api` refuses to start without. `codecCorsOrigins` adds to
 * CODEC_CORS_ORIGINS (its embedded Temporal UI).
 */
export function apiSettings(
  env: Env,
  opts: { customerLinkSecret?: string; apiKeySecret?: string; payloadKeys?: PayloadKeyring; codecCorsOrigins?: string[] } = {},
): ApiSettings {
  return {
    port: env.PORT,
    host: env.HOST,
    namespace: env.TEMPORAL_NAMESPACE,
    payloadKeys: opts.payloadKeys ?? requirePayloadKeys(env),
    app: {
      taskQueue: env.TASK_QUEUE,
      envKeys: parseApiKeys(env.API_KEYS, apiKeySecret(env, env.API_KEY_SECRET ?? opts.apiKeySecret)),
      maxBodyBytes: env.MAX_BODY_BYTES,
      customerLinks: customerLinkConfig(env, env.CUSTOMER_LINK_SECRET ?? opts.customerLinkSecret),
      dispatchPolicy: env.DISPATCH_POLICY,
      deadlines: apiDeadlines(env),
      limits: apiLimits(env),
      edge: apiEdge(env),
      webhookAllowedTargets: env.WEBHOOK_ALLOWED_HOSTS,
      codecCorsOrigins: [...env.CODEC_CORS_ORIGINS, ...(opts.codecCorsOrigins ?? [])],
      timeZone: env.TIME_ZONE,
      hotline: env.SERVICE_HOTLINE,
    },
  };
}

export interface ApiServer {
  server: Server;
  /** From now on requests reach the API; until then they get 503 + Retry-After (/health/live 200). */
  open(deps: { db: Database; connection: Connection; devOutbox?: DevOutboxSource }): void;
  /** Stops listening and drops the open connections. */
  close(): Promise<void>;
}

/** Listens at once (rejects if the port cannot be had); the API answers once `open` has its database and Temporal connection. */
export async function listenApi(settings: ApiSettings, logger: Logger): Promise<ApiServer> {
  const { server, open } = gatedServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    open({ db, connection, devOutbox }) {
      const client = temporalClient(connection, settings.payloadKeys, settings.namespace);
      open(createApp({ ...settings.app, client, db, logger, devOutbox, payloadCodec: casePayloadCodec(settings.payloadKeys) }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
