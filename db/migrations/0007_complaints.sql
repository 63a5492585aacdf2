CREATE SEQUENCE "public"."complaint_no_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "complaint_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"complaint_no" text NOT NULL,
	"workflow_id" text NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"from_stage" text,
	"to_stage" text NOT NULL,
	"actor_role" text NOT NULL,
	"actor_subject" text,
	"data" jsonb NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "complaint_requests" (
	"idempotency_key" text PRIMARY KEY NOT NULL,
	"request_hash" text NOT NULL,
	"complaint_no" text NOT NULL,
	"actor_role" text NOT NULL,
	"actor_subject" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "complaint_requests_complaint_no_unique" UNIQUE("complaint_no")
);
--> statement-breakpoint
CREATE TABLE "complaints" (
	"complaint_no" text PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"stage" text NOT NULL,
	"category" text NOT NULL,
	"grade" text NOT NULL,
	"initial_grade" text NOT NULL,
	"channel" text NOT NULL,
	"summary" text NOT NULL,
	"case_no" text,
	"customer_name" text,
	"customer_phone" text NOT NULL,
	"customer_phone_key" text NOT NULL,
	"source" text NOT NULL,
	"trigger" text,
	"owner" text NOT NULL,
	"reopen_count" integer DEFAULT 0 NOT NULL,
	"acknowledge_by" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_on_time" boolean,
	"resolve_by" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"resolved_on_time" boolean,
	"sla_breached" boolean DEFAULT false NOT NULL,
	"escalation_level" integer DEFAULT 0 NOT NULL,
	"root_cause" text,
	"responsibility" text,
	"opened_by_role" text NOT NULL,
	"opened_by_subject" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"snapshot" jsonb NOT NULL,
	"last_event_seq" integer NOT NULL,
	CONSTRAINT "complaints_workflow_id_unique" UNIQUE("workflow_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "complaint_events_workflow_seq_uq" ON "complaint_events" USING btree ("workflow_id","seq");--> statement-breakpoint
CREATE INDEX "complaint_events_complaint_idx" ON "complaint_events" USING btree ("complaint_no","seq");--> statement-breakpoint
CREATE INDEX "complaints_stage_idx" ON "complaints" USING btree ("stage");--> statement-breakpoint
CREATE INDEX "complaints_owner_idx" ON "complaints" USING btree ("owner");--> statement-breakpoint
CREATE INDEX "complaints_case_idx" ON "complaints" USING btree ("case_no");--> statement-breakpoint
CREATE INDEX "complaints_phone_idx" ON "complaints" USING btree ("customer_phone_key");--> statement-breakpoint
CREATE INDEX "complaints_created_idx" ON "complaints" USING btree ("created_at","complaint_no");--> statement-breakpoint
-- The complaint timeline is an audit trail too: rows are only ever appended.
CREATE OR REPLACE FUNCTION complaint_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'complaint_events is append-only (% rejected)', TG_OP;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER complaint_events_no_update_delete
  BEFORE UPDATE OR DELETE ON complaint_events
  FOR EACH ROW EXECUTE FUNCTION complaint_events_append_only();
