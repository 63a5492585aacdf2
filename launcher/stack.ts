// Brings up everything `npm start` runs, embedding Temporal and PostgreSQL unless
// TEMPORAL_ADDRESS / DATABASE_URL point elsewhere, and tears it down in reverse order.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { apiSettings, listenApi } from '../api/server';
import { apiConnectionOptions } from '../api/temporalConnection';
import type { Env } from '../config/env';
import { createDatabase } from '../db/client';
import { migrateWhenReachable } from '../db/migrate';
import { createCaseWorker } from '../worker/createWorker';
import { caseWorkerSettings } from '../worker/settings';
import { superviseWorker } from '../worker/supervisor';
import { gatewayConfigFromEnv } from '../activities/gateways';
import { ensureDemoKeys, type DemoKey } from './demoKeys';
import { startLocalGateways, type LocalGateways } from './localGateways';
import { startEmbeddedPostgres } from './embeddedPostgres';
import { superviseChild } from './supervise';
import { startTemporalDevServer } from './temporalDevServer';
import { assertPortFree } from './waitFor';

const STOP_TIMEOUT_MS = 10_000;

export interface RunningStack {
  apiUrl: string;
  temporalAddress: string;
  temporalUiUrl?: string;
  databaseUrl: string;
  embedded: { temporal: boolean; postgres: boolean };
  /** The local SMTP capture / HTTP receiver, when SMS_GATEWAY_URL or SMTP_URL is unset. */
  localGateways?: { smtpUrl?: string; smsUrl?: string; webhookUrl: string };
  devOutbox: boolean;
  /** With no API_KEYS: the demo people's keys (launcher/demoKeys.ts). */
  demoKeys?: DemoKey[];
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
    const customerLinkSecret = env.CUSTOMER_LINK_SECRET ?? localLinkSecret(env.DATA_DIR);
    // Configuration errors stop here, before any server starts.
    const api = apiSettings(env, { customerLinkSecret });

    let temporalAddress = env.TEMPORAL_ADDRESS;
    let temporalUiUrl: string | undefined;
    if (!temporalAddress) {
      await assertPortFree(env.TEMPORAL_PORT, 'TEMPORAL_PORT');
      await assertPortFree(env.TEMPORAL_UI_PORT, 'TEMPORAL_UI_PORT');
      const temporal = await startTemporalDevServer({
        dataDir: path.join(env.DATA_DIR, 'temporal'),
        port: env.TEMPORAL_PORT,
        uiPort: env.TEMPORAL_UI_PORT,
        namespace: env.TEMPORAL_NAMESPACE,
        logger,
      });
      // Restarted (same port and SQLite file) if it dies; stopped only in order.
      const supervised = superviseChild('temporal', temporal, logger);
      stops.push(['temporal', () => supervised.stop()]);
      temporalAddress = temporal.address;
      temporalUiUrl = temporal.uiUrl;
    }

    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      await assertPortFree(env.EMBEDDED_PG_PORT, 'EMBEDDED_PG_PORT');
      const pg = await startEmbeddedPostgres({ dataDir: env.DATA_DIR, port: env.EMBEDDED_PG_PORT, logger });
      const supervised = superviseChild('postgres', pg, logger);
      stops.push(['postgres', () => supervised.stop()]);
      databaseUrl = pg.url;
    }
    await migrateWhenReachable(databaseUrl, { logger });
    const db = createDatabase(databaseUrl, { logger });
    stops.push(['database pool', () => db.$client.end()]);
    // The embedded default is usable at once: demo people with keys of their own.
    const demoKeys = env.API_KEYS ? undefined : await ensureDemoKeys(db, env.DATA_DIR);

    // Notification gateways: what is configured, the local capture for the rest.
    const gatewayConfig = gatewayConfigFromEnv(env);
    let local: LocalGateways | undefined;
    if (!env.SMS_GATEWAY_URL || !env.SMTP_URL) {
      local = await startLocalGateways({
        smtpPort: env.LOCAL_SMTP_PORT,
        httpPort: env.LOCAL_RECEIVER_PORT,
        outboxFile: path.join(env.DATA_DIR, 'outbox.jsonl'),
        logger,
      });
      stops.push(['local gateways', () => local!.stop()]);
      gatewayConfig.smsUrl ??= local.smsUrl;
      gatewayConfig.smtpUrl ??= local.smtpUrl;
    }
    const devOutbox = env.DEV_OUTBOX ? env.DEV_OUTBOX === 'true' : local !== undefined;

    if (env.EMBED_WORKER === 'true') {
      const address = temporalAddress;
      // The same settings as `npm run worker`, plus the local gateways and link secret.
      const settings = caseWorkerSettings(env, { gatewayConfig, customerLinkSecret });
      const supervisor = superviseWorker({
        create: () => createCaseWorker({ address, db, logger, ...settings }),
        logger,
      });
      stops.push(['worker', () => supervisor.stop()]);
      // Ready means polling, as before; but a Temporal that is not there yet must not
      // keep the API from starting (the supervisor goes on trying).
      await Promise.race([supervisor.firstRunning, new Promise((r) => setTimeout(r, 60_000).unref())]);
    }

    const connection = await Connection.connect(apiConnectionOptions(temporalAddress));
    stops.push(['temporal client', () => connection.close()]);

    // The API as `npm run api` wires it (api/server.ts); here everything it needs is ready.
    const server = await listenApi(api, logger);
    stops.push(['api', () => server.close()]);
    server.open({ db, connection, devOutbox: devOutbox && local ? local.outbox : undefined });

    return {
      apiUrl: `http://localhost:${env.PORT}`,
      temporalAddress,
      temporalUiUrl,
      databaseUrl,
      embedded: { temporal: !env.TEMPORAL_ADDRESS, postgres: !env.DATABASE_URL },
      localGateways: local
        ? { smtpUrl: env.SMTP_URL ? undefined : local.smtpUrl, smsUrl: env.SMS_GATEWAY_URL ? undefined : local.smsUrl, webhookUrl: local.webhookUrl }
        : undefined,
      devOutbox: devOutbox && local !== undefined,
      demoKeys,
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
