CREATE TABLE "escalations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_no" text NOT NULL,
	"workflow_id" text NOT NULL,
	"clock" text NOT NULL,
	"cycle" integer NOT NULL,
	"kind" text NOT NULL,
	"level" integer NOT NULL,
	"actions" jsonb NOT NULL,
	"stage" text NOT NULL,
	"target_minutes" double precision NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"fired_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_policies" (
	"version" serial PRIMARY KEY NOT NULL,
	"policy" jsonb NOT NULL,
	"note" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sla_results" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_no" text NOT NULL,
	"workflow_id" text NOT NULL,
	"clock" text NOT NULL,
	"cycle" integer NOT NULL,
	"priority" text NOT NULL,
	"policy_version" integer NOT NULL,
	"target_ms" double precision NOT NULL,
	"actual_ms" double precision NOT NULL,
	"paused_ms" double precision NOT NULL,
	"met" boolean NOT NULL,
	"stopped_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "sla_breached" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "escalation_level" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "next_deadline" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "escalations_once_uq" ON "escalations" USING btree ("workflow_id","clock","cycle","kind","level");--> statement-breakpoint
CREATE INDEX "escalations_case_idx" ON "escalations" USING btree ("case_no");--> statement-breakpoint
CREATE INDEX "escalations_fired_idx" ON "escalations" USING btree ("fired_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sla_results_once_uq" ON "sla_results" USING btree ("workflow_id","clock","cycle");--> statement-breakpoint
CREATE INDEX "sla_results_clock_idx" ON "sla_results" USING btree ("clock","priority");--> statement-breakpoint
CREATE INDEX "cases_breached_idx" ON "cases" USING btree ("sla_breached") WHERE sla_breached;