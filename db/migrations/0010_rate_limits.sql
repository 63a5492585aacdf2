-- The rate limiter's counters, shared by every API replica (db/limitsSchema.ts).
-- UNLOGGED: short-lived counters; a crash that empties them only restarts the windows.
CREATE UNLOGGED TABLE "rate_limits" (
	"key" varchar(255) PRIMARY KEY NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"expire" bigint
);
