import { drizzle, NodePgDatabase } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import * as schema from './schema';
import { pgErrorSummary } from './connectionErrors';

export type Database = NodePgDatabase<typeof schema> & { $client: Pool };
/** The `tx` of `db.transaction(async (tx) => …)`: writes that join a caller's transaction take it. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Where lost connections are reported (a pino logger fits). */
export interface ConnectionLog {
  warn(obj: object, msg: string): void;
}

export function createDatabase(url: string, opts: { max?: number; logger?: ConnectionLog } = {}): Database {
  const pool = new Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 5_000,
    // Fail fast when the server is gone instead of hanging a request.
    query_timeout: 15_000,
  });
  const report = (err: unknown) => opts.logger?.warn({ err: pgErrorSummary(err) }, 'PostgreSQL connection lost');
  // A client that loses its server emits 'error'. pg-pool listens only while the client
  // is idle; one checked out (a transaction in progress) would crash the process with an
  // unhandled 'error' event. Its query fails on its own and the pool drops the client.
  pool.on('connect', (client) => client.on('error', report));
  pool.on('error', report);
  return drizzle(pool, { schema });
}
