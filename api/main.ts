// `npm run api`: the HTTP API alone, against TEMPORAL_ADDRESS and DATABASE_URL.
import { Client } from '@temporalio/client';
import { apiDeadlines, customerLinkConfig, loadEnv } from '../config/env';
import { createLogger } from '../config/logger';
import { createDatabase } from '../db/client';
import { migrateWhenReachable } from '../db/migrate';
import { createApp } from './app';
import { parseApiKeys } from './auth';
import { gatedServer } from './bootGate';
import { lazyApiConnection } from './temporalConnection';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL, 'casework-api');
  if (!env.TEMPORAL_ADDRESS || !env.DATABASE_URL) {
    throw new Error('npm run api needs TEMPORAL_ADDRESS and DATABASE_URL (use npm start for the embedded default)');
  }
  // Configuration errors stop the process before it listens.
  const envKeys = parseApiKeys(env.API_KEYS);
  const customerLinks = customerLinkConfig(env);
  const deadlines = apiDeadlines(env);
  // Listen first: while PostgreSQL is not there yet, callers get 503 + Retry-After.
  const { server, open } = gatedServer();
  server.listen(env.PORT, env.HOST, () => logger.info({ port: env.PORT }, 'API listening (starting)'));
  let stopping = false;
  const stop = () => {
    stopping = true;
    server.close(() => {
      void Promise.all([connection?.close(), db?.$client.end()]).then(() => process.exit(0));
    });
    server.closeAllConnections();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let connection: ReturnType<typeof lazyApiConnection> | undefined;
  let db: ReturnType<typeof createDatabase> | undefined;
  // PostgreSQL may come up after the API: wait for it rather than exit.
  await migrateWhenReachable(env.DATABASE_URL, { logger });
  if (stopping) return;
  db = createDatabase(env.DATABASE_URL, { logger });
  connection = lazyApiConnection(env.TEMPORAL_ADDRESS);
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  const app = createApp({
    client,
    db,
    taskQueue: env.TASK_QUEUE,
    envKeys,
    logger,
    maxBodyBytes: env.MAX_BODY_BYTES,
    customerLinks,
    dispatchPolicy: env.DISPATCH_POLICY,
    deadlines,
  });
  open(app);
  logger.info({ port: env.PORT }, 'API ready');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
