CREATE TABLE "callback_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_no" text NOT NULL,
	"attempt" integer NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"outcome" text,
	"satisfaction" integer,
	"answers" jsonb,
	"note" text,
	"via" text,
	"recorded_by" text,
	"recorded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "maintenance_opt_outs" (
	"series_id" text PRIMARY KEY NOT NULL,
	"case_no" text NOT NULL,
	"via" text NOT NULL,
	"by" text NOT NULL,
	"opted_out_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "maintenance_reminders_case_uq";--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "kind" text DEFAULT 'repair' NOT NULL;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD COLUMN "workflow_id" text;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD COLUMN "attempt" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD COLUMN "priority" integer DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD COLUMN "reworks" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD COLUMN "product_category" text;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD COLUMN "region" text;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD COLUMN "case_kind" text;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD COLUMN "outcome" text;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD COLUMN "satisfaction" integer;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD COLUMN "answers" jsonb;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD COLUMN "via" text;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD COLUMN "survey_sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "callback_tasks" ADD COLUMN "complaint_no" text;--> statement-breakpoint
ALTER TABLE "maintenance_reminders" ADD COLUMN "series_id" text;--> statement-breakpoint
ALTER TABLE "maintenance_reminders" ADD COLUMN "cycle" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "maintenance_reminders" ADD COLUMN "sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "maintenance_reminders" ADD COLUMN "booked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "maintenance_reminders" ADD COLUMN "booked_via" text;--> statement-breakpoint
CREATE UNIQUE INDEX "callback_attempts_case_attempt_uq" ON "callback_attempts" USING btree ("case_no","attempt");--> statement-breakpoint
CREATE INDEX "callback_attempts_recorded_idx" ON "callback_attempts" USING btree ("recorded_at");--> statement-breakpoint
CREATE INDEX "callback_tasks_queue_idx" ON "callback_tasks" USING btree ("priority","due_at","id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "callback_tasks_engineer_idx" ON "callback_tasks" USING btree ("engineer_id","done_at");--> statement-breakpoint
CREATE UNIQUE INDEX "maintenance_reminders_case_cycle_uq" ON "maintenance_reminders" USING btree ("case_no","cycle");--> statement-breakpoint
CREATE INDEX "maintenance_reminders_series_idx" ON "maintenance_reminders" USING btree ("series_id","cycle");--> statement-breakpoint
-- Callback figures per engineer, for the KPIs (callbacks of the callback workflow only;
-- rows from before it carry no outcome). answered: the customer gave a rating (phone or
-- SMS survey); reached: answered or refused; completion_rate = answered / closed.
CREATE VIEW "callback_stats_by_engineer" AS
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
	(count(*) FILTER (WHERE "outcome" = 'satisfied'))::float8 / NULLIF(count(*) FILTER (WHERE "outcome" IN ('satisfied', 'partly', 'unsatisfied')), 0) AS "satisfied_share",
	(count(*) FILTER (WHERE "outcome" IN ('satisfied', 'partly', 'unsatisfied')))::float8 / NULLIF(count(*) FILTER (WHERE "status" = 'done'), 0) AS "completion_rate"
FROM "callback_tasks"
WHERE "workflow_id" IS NOT NULL
GROUP BY "engineer_id";
