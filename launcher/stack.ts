// Brings up everything `npm start` runs, embedding Temporal and PostgreSQL unless
// TEMPORAL_ADDRESS / DATABASE_URL point elsewhere, and tears it down in reverse order.
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { apiSettings, listenApi } from '../api/server';
import { apiConnectionOptions } from '../api/temporalConnection';
import { ConfigError, type Env } from '../config/env';
import { API_KEY_SECRET_FILE, keptSecret, LINK_SECRET_FILE } from '../config/keptSecret';
import { localPayloadKeys, requirePayloadKeys } from '../config/payloadKeys';
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
import { warnIfNothingRoutes } from '../db/queries/routingCheck';

const STOP_TIMEOUT_MS = 10_000;

export interface RunningStack {
  apiUrl: string;
  temporalAddress: string;
  temporalUiUrl?: string;
  databaseUrl: string;
  /** The codec server for the Temporal UI's Data Encoder (ops/admin keys). */
  codecEndpoint: string;
  embedded: { temporal: boolean; postgres: boolean };
  /** The local SMTP capture / HTTP receiver, when SMS_GATEWAY_URL or SMTP_URL is unset. */
  localGateways?: { smtpUrl?: string; smsUrl?: string; webhookUrl: string };
  devOutbox: boolean;
  /** With no API_KEYS: the demo people's keys (launcher/demoKeys.ts). */
  demoKeys?: DemoKey[];
  stop(): Promise<void>;
}

/** --dev-outbox: `npm start` asks for GET /dev/outbox (the embedded default only). */
export interface StackOptions {
  devOutboxFlag?: boolean;
}

export async function startStack(env: Env, logger: Logger, opts: StackOptions = {}): Promise<RunningStack> {
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
    devOutboxWanted(env, opts.devOutboxFlag === true); // a refused DEV_OUTBOX stops here
    const customerLinkSecret = env.CUSTOMER_LINK_SECRET ?? keptSecret(env.DATA_DIR, LINK_SECRET_FILE);
    const apiKeySecret = env.API_KEY_SECRET ?? keptSecret(env.DATA_DIR, API_KEY_SECRET_FILE);
    // An embedded Temporal is ours alone: a key generated into DATA_DIR will do. An external
    // one is shared with other workers and APIs, which must hold the same keys: required.
    const payloadKeys = env.TEMPORAL_ADDRESS ? requirePayloadKeys(env) : localPayloadKeys(env);
    const apiUrl = `http://localhost:${env.PORT}`;
    const uiOrigins = env.TEMPORAL_ADDRESS ? [] : [`http://localhost:${env.TEMPORAL_UI_PORT}`, `http://127.0.0.1:${env.TEMPORAL_UI_PORT}`];
    // Configuration errors stop here, before any server starts.
    const api = apiSettings(env, { customerLinkSecret, apiKeySecret, payloadKeys, codecCorsOrigins: uiOrigins });

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
        codecEndpoint: `${apiUrl}/codec`,
        sqlitePragmas: env.TEMPORAL_SQLITE_PRAGMAS,
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
    const demoKeys = env.API_KEYS ? undefined : await ensureDemoKeys(db, env.DATA_DIR, apiKeySecret);
    // One warning for the API and the embedded worker alike.
    await warnIfNothingRoutes(db, logger);

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
      // The local webhook sink is on loopback: allowed (that host and port only) for both
      // the API's subscription check and the worker's check before each POST.
      const sink = new URL(local.webhookUrl);
      const allowed = [...env.WEBHOOK_ALLOWED_HOSTS, { host: sink.hostname, port: Number(sink.port) }];
      gatewayConfig.webhookAllowedTargets = allowed;
      api.app.webhookAllowedTargets = allowed;
    }
    const devOutbox = devOutboxWanted(env, opts.devOutboxFlag === true);

    if (env.EMBED_WORKER === 'true') {
      const address = temporalAddress;
      // The same settings as `npm run worker`, plus the local gateways and link secret.
      const settings = caseWorkerSettings(env, { gatewayConfig, customerLinkSecret, payloadKeys });
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
      apiUrl,
      codecEndpoint: `${apiUrl}/codec`,
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

/**
 * GET /dev/outbox shows real message texts (masked, but still real cases): only in the
 * embedded default, and only when asked for (`npm start` passes --dev-outbox; DEV_OUTBOX
 * overrides). Missing gateway URLs never turn it on; a production-mode stack
 * (TEMPORAL_ADDRESS or DATABASE_URL set) that asks for it does not start.
 */
export function devOutboxWanted(env: Pick<Env, 'DEV_OUTBOX' | 'TEMPORAL_ADDRESS' | 'DATABASE_URL'>, flag: boolean): boolean {
  const embedded = !env.TEMPORAL_ADDRESS && !env.DATABASE_URL;
  if (env.DEV_OUTBOX === true && !embedded) {
    throw new ConfigError('DEV_OUTBOX is for the embedded default only (TEMPORAL_ADDRESS and DATABASE_URL unset): it shows real notification texts');
  }
  return embedded && (env.DEV_OUTBOX ?? flag);
}
