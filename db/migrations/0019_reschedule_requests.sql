CREATE TABLE "reschedule_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_no" text NOT NULL,
	"engineer_id" text,
	"windows" jsonb NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"chosen" integer,
	"decision_reason" text,
	"decided_by_role" text,
	"decided_by_subject" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "reschedule_requests_one_open" ON "reschedule_requests" USING btree ("case_no") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "reschedule_requests_status_idx" ON "reschedule_requests" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "reschedule_requests_engineer_idx" ON "reschedule_requests" USING btree ("engineer_id","id");