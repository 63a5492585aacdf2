// The API's composition root: the one place that turns the environment into a running
// HTTP API. `npm run api` (api/main.ts) and `npm start` (launcher/stack.ts) both start
// the API here, so a setting the API reads reaches both (they used to wire createApp
// each on their own).
import type { Server } from 'node:http';
import { Client, type Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { apiDeadlines, customerLinkConfig, type Env } from '../config/env';
import type { Database } from '../db/client';
import { createApp, type AppDeps } from './app';
import { parseApiKeys } from './auth';
import { gatedServer } from './bootGate';
import type { DevOutboxSource } from './routes/webhooks';

/** What the API takes from the environment. */
export interface ApiSettings {
  port: number;
  host: string;
  namespace: string;
  app: Pick<AppDeps, 'taskQueue' | 'envKeys' | 'maxBodyBytes' | 'customerLinks' | 'dispatchPolicy' | 'deadlines' | 'timeZone'>;
}

/**
 * Reads the API's settings; a configuration error throws here, before anything listens.
 * `customerLinkSecret` stands in for an unset CUSTOMER_LINK_SECRET (`npm start` keeps one in DATA_DIR).
 */
export function apiSettings(env: Env, opts: { customerLinkSecret?: string } = {}): ApiSettings {
  return {
    port: env.PORT,
    host: env.HOST,
    namespace: env.TEMPORAL_NAMESPACE,
    app: {
      taskQueue: env.TASK_QUEUE,
      envKeys: parseApiKeys(env.API_KEYS),
      maxBodyBytes: env.MAX_BODY_BYTES,
      customerLinks: customerLinkConfig(env, env.CUSTOMER_LINK_SECRET ?? opts.customerLinkSecret),
      dispatchPolicy: env.DISPATCH_POLICY,
      deadlines: apiDeadlines(env),
      timeZone: env.TIME_ZONE,
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
      const client = new Client({ connection, namespace: settings.namespace });
      open(createApp({ ...settings.app, client, db, logger, devOutbox }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
