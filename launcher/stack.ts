// Brings up everything `npm start` runs, embedding Temporal and PostgreSQL unless
// TEMPORAL_ADDRESS / DATABASE_URL point elsewhere, and tears it down in reverse order.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { createApp } from '../api/app';
import { parseApiKeys } from '../api/auth';
import { apiConnectionOptions } from '../api/temporalConnection';
import { customerLinkConfig, type Env } from '../config/env';
import { createDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { createCaseWorker } from '../worker/createWorker';
import { startEmbeddedPostgres } from './embeddedPostgres';
import { startTemporalDevServer } from './temporalDevServer';

const STOP_TIMEOUT_MS = 10_000;

export interface RunningStack {
  apiUrl: string;
  temporalAddress: string;
  temporalUiUrl?: string;
  databaseUrl: string;
  embedded: { temporal: boolean; postgres: boolean };
  stop(): Promise<void>;
}

export async function startStack(env: Env, logger: Logger): Promise<RunningStack> {
  const stops: Array<[string, () => Promise<unknown>]> = [];
  const stop = async () => {
    for (const [name, fn] of stops.reverse()) {
      // A component that hangs (a worker whose server is already gone) must not keep
      // the servers after it from being stopped.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not stop within ${STOP_TIMEOUT_MS} ms`)), STOP_TIMEOUT_MS);
      });
      try {
        await Promise.race([fn(), timeout]);
      } catch (err) {
        logger.warn({ err, component: name }, 'error while stopping');
      } finally {
        clearTimeout(timer);
      }
    }
    stops.length = 0;
  };

  try {
    const envKeys = parseApiKeys(env.API_KEYS);

    let temporalAddress = env.TEMPORAL_ADDRESS;
    let temporalUiUrl: string | undefined;
    if (!temporalAddress) {
      const temporal = await startTemporalDevServer({
        dataDir: path.join(env.DATA_DIR, 'temporal'),
        port: env.TEMPORAL_PORT,
        uiPort: env.TEMPORAL_UI_PORT,
        namespace: env.TEMPORAL_NAMESPACE,
        logger,
      });
      stops.push(['temporal', temporal.stop]);
      temporalAddress = temporal.address;
      temporalUiUrl = temporal.uiUrl;
    }

    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({ dataDir: env.DATA_DIR, port: env.EMBEDDED_PG_PORT, logger });
      stops.push(['postgres', pg.stop]);
      databaseUrl = pg.url;
    }
    await migrateDatabase(databaseUrl);
    const db = createDatabase(databaseUrl);
    stops.push(['database pool', () => db.$client.end()]);

    if (env.EMBED_WORKER === 'true') {
      const { worker, connection } = await createCaseWorker({
        address: temporalAddress,
        namespace: env.TEMPORAL_NAMESPACE,
        taskQueue: env.TASK_QUEUE,
        db,
        logger,
        timeZone: env.TIME_ZONE,
      });
      const running = worker.run();
      stops.push(['worker', async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await connection.close();
      }]);
    }

    const connection = await Connection.connect(apiConnectionOptions(temporalAddress));
    stops.push(['temporal client', () => connection.close()]);
    const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });

    const app = createApp({
      client,
      db,
      taskQueue: env.TASK_QUEUE,
      envKeys,
      logger,
      maxBodyBytes: env.MAX_BODY_BYTES,
      customerLinks: customerLinkConfig(env, env.CUSTOMER_LINK_SECRET ?? localLinkSecret(env.DATA_DIR)),
      dispatchPolicy: env.DISPATCH_POLICY,
    });
    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(env.PORT, env.HOST, () => resolve(s)).on('error', reject);
    });
    stops.push(['api', () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    })]);

    return {
      apiUrl: `http://localhost:${env.PORT}`,
      temporalAddress,
      temporalUiUrl,
      databaseUrl,
      embedded: { temporal: !env.TEMPORAL_ADDRESS, postgres: !env.DATABASE_URL },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The embedded default keeps a generated customer-link key in DATA_DIR, so links survive restarts. */
function localLinkSecret(dataDir: string): string {
  const file = path.join(dataDir, 'customer-link.secret');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return fs.readFileSync(file, 'utf8').trim();
}
