import fs from 'node:fs';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { Client } from 'pg';
import { isPgUnreachable, pgErrorSummary } from './connectionErrors';
import type { ConnectionLog } from './client';

export const MIGRATIONS_FOLDER = path.join(__dirname, 'migrations');
const MIGRATION_LOCK = 4_242_001;

/**
 * Applies pending drizzle migrations. An advisory lock serialises concurrent starters
 * (several workers and API replicas booting at once in docker-compose).
 */
export async function migrateDatabase(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  // The server going away mid-migration fails the pending query; without a listener the
  // client's 'error' event would also kill the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/**
 * Fails unless every migration of this build is recorded in the database: a replica
 * started with MIGRATE_ON_START=false runs only on a schema the migrate job brought up to
 * date (drizzle records one row per applied migration in drizzle.__drizzle_migrations).
 */
export async function checkMigrated(url: string): Promise<void> {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations').catch(() => ({ rows: [{ n: 0 }] }));
    const applied = rows[0]?.n ?? 0;
    if (applied < journal.entries.length) {
      throw new NotMigratedError(`the database has ${applied} of ${journal.entries.length} migrations: run the migrate job (npm run db:migrate) first`);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

export class NotMigratedError extends Error {}

/**
 * migrateDatabase, retried with back-off (1 s doubling to 30 s) while PostgreSQL is not
 * reachable yet, so a worker or API started before the database waits instead of
 * exiting. Any other error (a bad migration) is thrown. `signal` ends the wait.
 */
export async function migrateWhenReachable(
  url: string,
  opts: { logger?: ConnectionLog; signal?: AbortSignal; maxDelayMs?: number; apply?: boolean } = {},
): Promise<void> {
  let delay = 1_000;
  for (;;) {
    try {
      // apply: false waits for the migrate job instead of running the migrations itself.
      return await (opts.apply === false ? checkMigrated(url) : migrateDatabase(url));
    } catch (err) {
      const waiting = isPgUnreachable(err) || err instanceof NotMigratedError;
      if (!waiting || opts.signal?.aborted) throw err;
      if (err instanceof NotMigratedError) opts.logger?.warn({ err: err.message, retryInMs: delay }, 'migrations not applied yet; waiting for the migrate job');
      else opts.logger?.warn({ err: pgErrorSummary(err), retryInMs: delay }, 'PostgreSQL not reachable; migrations wait');
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      opts.signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
    if (opts.signal?.aborted) throw new Error('stopped while waiting for PostgreSQL');
    delay = Math.min(delay * 2, opts.maxDelayMs ?? 30_000);
  }
}
