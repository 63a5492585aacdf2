-- A workflow reset starts a new run whose timeline seq numbers restart from the reset
-- point: events are keyed by (workflow, run, seq). Adding a column with a constant
-- default fills existing rows without an UPDATE, so the append-only triggers stay quiet;
-- rows written before this migration keep run_id ''.
DROP INDEX "case_events_workflow_seq_uq";--> statement-breakpoint
DROP INDEX "complaint_events_workflow_seq_uq";--> statement-breakpoint
ALTER TABLE "case_events" ADD COLUMN "run_id" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "run_id" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "complaint_events" ADD COLUMN "run_id" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "run_id" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "case_events_run_seq_uq" ON "case_events" USING btree ("workflow_id","run_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "complaint_events_run_seq_uq" ON "complaint_events" USING btree ("workflow_id","run_id","seq");