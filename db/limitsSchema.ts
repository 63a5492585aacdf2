// The rate limiter's counters (rate-limiter-flexible's RateLimiterPostgres layout: key,
// points, expire in epoch ms). Every API replica counts in this one table, so a limit
// holds across replicas; PostgreSQL is already there, no new infrastructure. The
// migration makes it UNLOGGED: counters are short-lived, a crash that empties them only
// restarts the windows, and the writes skip the WAL.
import { bigint, integer, pgTable, varchar } from 'drizzle-orm/pg-core';

export const rateLimits = pgTable('rate_limits', {
  /** `<limiter>:<client address or key hash>`; never an API key itself. */
  key: varchar('key', { length: 255 }).primaryKey(),
  points: integer('points').notNull().default(0),
  /** Epoch milliseconds the window (or a lockout) ends. */
  expire: bigint('expire', { mode: 'number' }),
});
