// The API app run inside the test process, wired to any Temporal address, database and
// task queue: for outages (dead addresses) and for workers of a test's own queue.
import type { Server } from 'node:http';
import { casePayloadCodec } from '../../shared/temporalData';
import pino from 'pino';
import { createApp, type AppDeps } from '../../api/app';
import { parseApiKeys } from '../../api/auth';
import { lazyApiConnection } from '../../api/temporalConnection';
import { createDatabase } from '../../db/client';
import { API_KEY_SECRET, API_KEYS_SPEC, LINK_SECRET } from './stackInfo';
import { testClient, testPayloadKeys } from './payloadKeys';

export interface InProcessApi {
  base: string;
  close(): Promise<void>;
}

export async function startApi(opts: {
  temporalAddress: string;
  databaseUrl: string;
  taskQueue: string;
  deadlines?: { temporalMs?: number; liveQueryMs?: number; requestMs?: number; kpiRefreshMs?: number };
  /** Rate limits and load shedding (unset: none). */
  limits?: AppDeps['limits'];
  /** Proxies and CORS (unset: direct clients, CORS off). */
  edge?: AppDeps['edge'];
  maxBodyBytes?: number;
}): Promise<InProcessApi> {
  const db = createDatabase(opts.databaseUrl, { max: 4 });
  const connection = lazyApiConnection(opts.temporalAddress);
  const app = createApp({
    client: testClient(connection),
    payloadCodec: casePayloadCodec(testPayloadKeys),
    db,
    taskQueue: opts.taskQueue,
    envKeys: parseApiKeys(API_KEYS_SPEC, API_KEY_SECRET),
    logger: pino({ level: 'silent' }),
    maxBodyBytes: opts.maxBodyBytes ?? 64 * 1024,
    customerLinks: { secret: LINK_SECRET, baseUrl: 'http://localhost', ttlHours: 24 },
    deadlines: opts.deadlines,
    limits: opts.limits,
    edge: opts.edge,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    async close() {
      await new Promise((r) => server.close(r));
      await connection.close().catch(() => undefined);
      await db.$client.end().catch(() => undefined);
    },
  };
}
