// `npm run worker`: the worker alone, against TEMPORAL_ADDRESS and DATABASE_URL, with
// the settings `npm start`'s embedded worker has (worker/settings.ts). It outlives its
// dependencies: migrations wait for PostgreSQL, and the supervisor makes a
// new worker whenever the current one fails (Temporal gone too long, a fatal error).
import { loadEnv } from '../config/env';
import { createLogger } from '../config/logger';
import { createDatabase } from '../db/client';
import { migrateWhenReachable } from '../db/migrate';
import { createCaseWorker } from './createWorker';
import { caseWorkerSettings } from './settings';
import { superviseWorker } from './supervisor';
import { writeHealthFile } from './healthFile';
import { printableError } from '../shared/redact';
import { startTracing } from '../shared/tracing';
import { listenWorkerMetrics } from './metricsServer';
import { warnIfNothingRoutes } from '../db/queries/routingCheck';

async function main(): Promise<void> {
  const env = loadEnv();
  const tracing = startTracing('casework-worker');
  const logger = createLogger(env.LOG_LEVEL, 'casework-worker');
  if (!env.TEMPORAL_ADDRESS || !env.DATABASE_URL) {
    throw new Error('npm run worker needs TEMPORAL_ADDRESS and DATABASE_URL (use npm start for the embedded default)');
  }
  const settings = caseWorkerSettings(env);
  const stopping = new AbortController();
  let supervisor: ReturnType<typeof superviseWorker> | undefined;
  const stop = (signal: string) => {
    if (stopping.signal.aborted) return;
    logger.info({ signal }, 'worker stopping');
    stopping.abort();
    void supervisor?.stop();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  try {
    await migrateWhenReachable(env.DATABASE_URL, { logger, signal: stopping.signal, apply: env.MIGRATE_ON_START === 'true' });
  } catch (err) {
    if (stopping.signal.aborted) process.exit(0);
    throw err;
  }
  const db = createDatabase(env.DATABASE_URL, { logger });
  void warnIfNothingRoutes(db, logger);
  if (env.WORKER_METRICS_PORT !== undefined) {
    const metrics = await listenWorkerMetrics(env.WORKER_METRICS_PORT, env.WORKER_METRICS_HOST);
    logger.info({ port: metrics.port, host: env.WORKER_METRICS_HOST }, 'worker metrics listening');
  }
  const address = env.TEMPORAL_ADDRESS;
  supervisor = superviseWorker({
    create: () => createCaseWorker({ address, db, logger, ...settings }),
    logger,
    onRunning: (incarnation) => logger.info({ taskQueue: settings.taskQueue, namespace: settings.namespace, incarnation }, 'worker running'),
  });
  const current = supervisor;
  // For the container health check (docker-compose.yml): polling or not, refreshed.
  const stopHealth = env.WORKER_HEALTH_FILE ? writeHealthFile(env.WORKER_HEALTH_FILE, () => current.state()) : undefined;
  // A signal that came while migrations ran.
  if (stopping.signal.aborted) void supervisor.stop();
  await supervisor.done;
  stopHealth?.();
  await db.$client.end();
  await tracing.shutdown();
  process.exit(0);
}

main().catch((err) => {
  console.error(printableError(err));
  process.exit(1);
});
