// `npm run temporal:setup` (compiled: `node dist/scripts/temporal-setup.js`, the
// docker-compose one-shot job `temporal-setup`): waits for the Temporal frontend at
// TEMPORAL_ADDRESS, registers TEMPORAL_NAMESPACE with TEMPORAL_RETENTION_DAYS (default 30)
// and casework's search attributes. Authenticates like the worker and the API
// (TEMPORAL_TLS_*, TEMPORAL_API_KEY, TEMPORAL_CONFIG_FILE). Safe to run again; exits 0 when done.
import { Connection } from '@temporalio/client';
import { loadEnv, temporalSecurity } from '../config/env';
import { createLogger } from '../config/logger';
import { printableError } from '../shared/redact';
import { temporalConnectionSecurity } from '../shared/temporalData';
import { connectExplained } from '../shared/temporalTlsProbe';
import { ensureNamespace, ensureSearchAttributes, waitForTemporal } from './temporalClusterSetup';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL, 'casework-temporal-setup');
  if (!env.TEMPORAL_ADDRESS) throw new Error('temporal:setup needs TEMPORAL_ADDRESS');
  const options = { address: env.TEMPORAL_ADDRESS, connectTimeout: 5_000, ...temporalConnectionSecurity(temporalSecurity(env)) };
  // Each failed attempt's log line names a TLS problem when there is one.
  const connect = () => connectExplained(() => Connection.connect(options), options.address, options.tls);
  const connection = await waitForTemporal(connect, logger, 5 * 60_000);
  try {
    const namespace = await ensureNamespace(connection, env.TEMPORAL_NAMESPACE, env.TEMPORAL_RETENTION_DAYS, logger);
    const added = await ensureSearchAttributes(connection, env.TEMPORAL_NAMESPACE, logger);
    logger.info(
      { namespace: env.TEMPORAL_NAMESPACE, retentionDays: env.TEMPORAL_RETENTION_DAYS, namespaceWas: namespace, searchAttributesAdded: added },
      'temporal setup done',
    );
  } finally {
    await connection.close();
  }
}

main().catch((err) => {
  console.error(printableError(err));
  process.exit(1);
});
