// `npm run worker`: the worker alone, against TEMPORAL_ADDRESS and DATABASE_URL.
import { loadEnv } from '../config/env';
import { createLogger } from '../config/logger';
import { createDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { createCaseWorker } from './createWorker';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL, 'casework-worker');
  if (!env.TEMPORAL_ADDRESS || !env.DATABASE_URL) {
    throw new Error('npm run worker needs TEMPORAL_ADDRESS and DATABASE_URL (use npm start for the embedded default)');
  }
  await migrateDatabase(env.DATABASE_URL);
  const db = createDatabase(env.DATABASE_URL);
  const { worker, connection } = await createCaseWorker({
    address: env.TEMPORAL_ADDRESS,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TASK_QUEUE,
    db,
    logger,
  });
  logger.info({ taskQueue: env.TASK_QUEUE, namespace: env.TEMPORAL_NAMESPACE }, 'worker running');
  // The SDK shuts the worker down gracefully on SIGINT/SIGTERM.
  await worker.run();
  await connection.close();
  await db.$client.end();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
