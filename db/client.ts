import { drizzle, NodePgDatabase } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import * as schema from './schema';

export type Database = NodePgDatabase<typeof schema> & { $client: Pool };

export function createDatabase(url: string, opts: { max?: number } = {}): Database {
  const pool = new Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: 5_000,
    // Fail fast when the server is gone instead of hanging a request.
    query_timeout: 15_000,
  });
  // An idle client erroring (server restart) must not crash the process.
  pool.on('error', () => undefined);
  return drizzle(pool, { schema }) as Database;
}
