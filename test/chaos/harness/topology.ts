// The split topology the chaos run needs, so each victim can be killed on its own:
// embedded PostgreSQL and the Temporal dev server (the launcher's modules, in this
// process), the local SMS/SMTP gateways behind TCP forwarders, and `npm run worker` /
// `npm run api` as child processes against them. Loopback only.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createDatabase, type Database } from '../../../db/client';
import { migrateDatabase } from '../../../db/migrate';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../../launcher/embeddedPostgres';
import { startLocalGateways, type LocalGateways } from '../../../launcher/localGateways';
import { startTemporalDevServer, type EmbeddedTemporal } from '../../../launcher/temporalDevServer';
import { freePort } from '../../support/globalSetup';
import { ensureKeyedEngineers } from '../../support/roster';
import { API_KEY_SECRET, API_KEYS_SPEC, LINK_SECRET } from '../../support/stackInfo';
import { ChildService } from './childService';
import { startTcpProxy, type TcpProxy } from './tcpProxy';
import { TEST_PAYLOAD_KEYS } from '../../support/payloadKeys';

export const TASK_QUEUE = 'casework-chaos';

export interface Topology {
  dataDir: string;
  apiUrl: string;
  temporalAddress: string;
  databaseUrl: string;
  pg: EmbeddedDatabase;
  temporal: EmbeddedTemporal;
  gateways: LocalGateways;
  /** Forwarders in front of the SMS receiver and the SMTP capture (down() = outage). */
  smsProxy: TcpProxy;
  smtpProxy: TcpProxy;
  worker: ChildService;
  api: ChildService;
  /** A pool of the harness's own, for the checks. */
  db: Database;
  stop(): Promise<void>;
}

const portOf = (url: string) => Number(new URL(url).port);

export async function startTopology(logDir: string): Promise<Topology> {
  fs.mkdirSync(logDir, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casework-chaos-'));
  const logger = pino({ level: 'warn' }, pino.destination(path.join(logDir, 'infra.log')));
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), logger });
  const temporal = await startTemporalDevServer({
    dataDir: path.join(dataDir, 'temporal'),
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
    logger,
  });
  await migrateDatabase(pg.url);
  const db = createDatabase(pg.url, { max: 4 });
  await ensureKeyedEngineers(db);

  const gateways = await startLocalGateways({ outboxFile: path.join(dataDir, 'outbox.jsonl'), logger });
  const smsProxy = await startTcpProxy({ host: '127.0.0.1', port: portOf(gateways.smsUrl) });
  const smtpProxy = await startTcpProxy({ host: '127.0.0.1', port: portOf(gateways.smtpUrl) });
  const apiPort = await freePort();
  const common = {
    TEMPORAL_ADDRESS: temporal.address,
    DATABASE_URL: pg.url,
    TASK_QUEUE,
    CUSTOMER_LINK_SECRET: LINK_SECRET,
    API_KEY_SECRET,
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}`,
    LOG_LEVEL: 'info',
  };
  const worker = new ChildService(
    'worker',
    'worker/main.ts',
    {
      ...common,
      SMS_GATEWAY_URL: `http://127.0.0.1:${smsProxy.port}/sms`,
      SMTP_URL: `smtp://127.0.0.1:${smtpProxy.port}`,
      // A gateway that is down answers "refused" at once; keep a hung one short too.
      NOTIFY_TIMEOUT_MS: '5000',
    },
    path.join(logDir, 'worker.log'),
    'worker running',
  );
  const api = new ChildService(
    'api',
    'api/main.ts',
    { ...common, PORT: String(apiPort), HOST: '127.0.0.1', API_KEYS: API_KEYS_SPEC },
    path.join(logDir, 'api.log'),
    'API ready',
  );
  await Promise.all([worker.start(), api.start()]);

  return {
    dataDir,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    temporalAddress: temporal.address,
    databaseUrl: pg.url,
    pg,
    temporal,
    gateways,
    smsProxy,
    smtpProxy,
    worker,
    api,
    db,
    async stop() {
      await api.kill('SIGTERM');
      await worker.kill('SIGTERM');
      await db.$client.end().catch(() => undefined);
      await smsProxy.close();
      await smtpProxy.close();
      await gateways.stop();
      await temporal.stop();
      await pg.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
