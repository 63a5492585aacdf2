// `npm run api`: the HTTP API alone, against TEMPORAL_ADDRESS and DATABASE_URL. Wired
// by api/server.ts, as `npm start`'s API is.
import { loadEnv, temporalSecurity } from '../config/env';
import { createLogger } from '../config/logger';
import { createDatabase } from '../db/client';
import { hasUsableApiKey } from '../db/queries/apiKeys';
import { migrateWhenReachable } from '../db/migrate';
import { apiSettings, listenApi } from './server';
import { lazyApiConnection } from './temporalConnection';
import { printableError } from '../shared/redact';
import { startTracing } from '../shared/tracing';
import { warnIfNothingRoutes } from '../db/queries/routingCheck';

async function main(): Promise<void> {
  const env = loadEnv();
  // Before the Temporal client exists: it takes the tracing interceptor only if on.
  const tracing = startTracing('casework-api');
  const logger = createLogger(env.LOG_LEVEL, 'casework-api');
  if (!env.TEMPORAL_ADDRESS || !env.DATABASE_URL) {
    throw new Error('npm run api needs TEMPORAL_ADDRESS and DATABASE_URL (use npm start for the embedded default)');
  }
  // Configuration errors stop the process before it listens.
  const settings = apiSettings(env);
  const security = temporalSecurity(env);
  // Listen first: while PostgreSQL is not there yet, callers get 503 + Retry-After.
  const api = await listenApi(settings, logger);
  logger.info({ port: env.PORT }, 'API listening (starting)');
  let stopping = false;
  const stop = () => {
    stopping = true;
    void api
      .close()
      .then(() => Promise.all([connection?.close(), db?.$client.end(), tracing.shutdown()]))
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let connection: ReturnType<typeof lazyApiConnection> | undefined;
  let db: ReturnType<typeof createDatabase> | undefined;
  // PostgreSQL may come up after the API: wait for it rather than exit.
  await migrateWhenReachable(env.DATABASE_URL, { logger, apply: env.MIGRATE_ON_START === 'true' });
  if (stopping) return;
  db = createDatabase(env.DATABASE_URL, { logger });
  // Without any key (none in API_KEYS, none usable in api_keys) every request would be a
  // 401: refuse to start, saying how to fix it, rather than run locked (no default key).
  if (settings.app.envKeys.entries.length === 0 && !(await hasUsableApiKey(db))) {
    logger.fatal('no API key: set API_KEYS (role[:subject]=key,...) or store one (npm run seed:keys); refusing to start');
    await api.close();
    await db.$client.end();
    process.exit(1);
  }
  // Lazy: the API starts (and /health reports) even while Temporal is still coming up.
  connection = lazyApiConnection(env.TEMPORAL_ADDRESS, security);
  api.open({ db, connection });
  void warnIfNothingRoutes(db, logger);
  logger.info({ port: env.PORT }, 'API ready');
}

main().catch((err) => {
  console.error(printableError(err));
  process.exit(1);
});
