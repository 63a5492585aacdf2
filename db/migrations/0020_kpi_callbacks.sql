ALTER TABLE "callback_tasks" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "kpi_daily" ADD COLUMN "callbacks" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "kpi_daily" ADD COLUMN "callbacks_reached" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "kpi_daily" ADD COLUMN "callbacks_satisfied" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "kpi_daily" ADD COLUMN "callbacks_unreachable" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "callback_tasks_updated_idx" ON "callback_tasks" USING btree ("updated_at");--> statement-breakpoint
-- Hand-written below (drizzle-kit does not model triggers or views).
-- updated_at is the writing transaction's start on every write, whoever writes (the
-- callback workflow's activities, the legacy result route): the KPI rollup marks the
-- case's day stale from it (db/queries/kpiRollup.ts, STALE_DAYS).
CREATE OR REPLACE FUNCTION callback_tasks_touch() RETURNS trigger AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER callback_tasks_touch BEFORE UPDATE ON "callback_tasks"
  FOR EACH ROW EXECUTE FUNCTION callback_tasks_touch();--> statement-breakpoint
-- The view means what the KPIs mean (db/queries/kpiDefinitions.ts): completed = reached
-- (answered or refused) over callbacks due; satisfied over reached.
CREATE OR REPLACE VIEW "callback_stats_by_engineer" AS
SELECT
	"engineer_id",
	count(*) AS "callbacks",
	count(*) FILTER (WHERE "status" = 'done') AS "closed",
	count(*) FILTER (WHERE "outcome" IN ('satisfied', 'partly', 'unsatisfied')) AS "answered",
	count(*) FILTER (WHERE "outcome" IN ('satisfied', 'partly', 'unsatisfied', 'refused')) AS "reached",
	count(*) FILTER (WHERE "outcome" = 'satisfied') AS "satisfied",
	count(*) FILTER (WHERE "outcome" = 'partly') AS "partly",
	count(*) FILTER (WHERE "outcome" = 'unsatisfied') AS "unsatisfied",
	count(*) FILTER (WHERE "outcome" = 'unreachable') AS "unreachable",
	count(*) FILTER (WHERE "outcome" = 'refused') AS "refused",
	count(*) FILTER (WHERE "via" = 'sms_survey') AS "by_survey",
	avg("satisfaction")::float8 AS "mean_satisfaction",
	(count(*) FILTER (WHERE "outcome" = 'satisfied'))::float8 / NULLIF(count(*) FILTER (WHERE "outcome" IN ('satisfied', 'partly', 'unsatisfied', 'refused')), 0) AS "satisfied_share",
	(count(*) FILTER (WHERE "outcome" IN ('satisfied', 'partly', 'unsatisfied', 'refused')))::float8 / NULLIF(count(*), 0) AS "completion_rate"
FROM "callback_tasks"
WHERE "workflow_id" IS NOT NULL
GROUP BY "engineer_id";--> statement-breakpoint
-- How many (day, key) groups a KPI table has: without it the planner took a year by
-- engineer per day for 9,945 groups (there are 87,590) and, for any page over that,
-- aggregated and sorted the whole year instead of streaming groups off the primary key
-- (limit 10,000: 600 ms instead of 40 ms). ANALYZE fills it (a full refresh runs one).
CREATE STATISTICS IF NOT EXISTS "kpi_daily_day_key" (ndistinct) ON "day", "key" FROM "kpi_daily";--> statement-breakpoint
-- The rollup's rows predate the callback measures (all 0): forgetting the refresh state
-- makes the next refresh a full rebuild. On a large database run `npm run kpi:refresh --
-- --full` after migrating (the API's refresh would exceed its query timeout).
DELETE FROM "kpi_refresh_state";
