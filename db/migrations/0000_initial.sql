CREATE SEQUENCE "public"."case_no_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" serial PRIMARY KEY NOT NULL,
	"key_hash" text NOT NULL,
	"role" text NOT NULL,
	"subject" text,
	"label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked" boolean DEFAULT false NOT NULL,
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "case_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_no" text NOT NULL,
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
CREATE TABLE "cases" (
	"case_no" text PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"stage" text NOT NULL,
	"priority" text NOT NULL,
	"channel" text NOT NULL,
	"customer_name" text NOT NULL,
	"customer_phone" text NOT NULL,
	"customer_phone_key" text NOT NULL,
	"customer_address" text NOT NULL,
	"customer_lat" double precision,
	"customer_lng" double precision,
	"customer_tier" text NOT NULL,
	"customer_language" text NOT NULL,
	"region" text,
	"product_category" text NOT NULL,
	"product_model" text NOT NULL,
	"product_serial" text NOT NULL,
	"fault_description" text NOT NULL,
	"attachments" jsonb NOT NULL,
	"preferred_windows" jsonb NOT NULL,
	"engineer_id" text,
	"engineer_name" text,
	"appointment_start" timestamp with time zone,
	"appointment_end" timestamp with time zone,
	"visits" integer DEFAULT 0 NOT NULL,
	"check_out_result" text,
	"resolution" text,
	"rating" integer,
	"rating_comment" text,
	"cancel_reason" text,
	"opened_by_role" text NOT NULL,
	"opened_by_subject" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"last_event_seq" integer NOT NULL,
	CONSTRAINT "cases_workflow_id_unique" UNIQUE("workflow_id")
);
--> statement-breakpoint
CREATE TABLE "intake_requests" (
	"idempotency_key" text PRIMARY KEY NOT NULL,
	"request_hash" text NOT NULL,
	"case_no" text NOT NULL,
	"customer_phone_key" text NOT NULL,
	"product_serial" text NOT NULL,
	"actor_role" text NOT NULL,
	"actor_subject" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "intake_requests_case_no_unique" UNIQUE("case_no")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "case_events_workflow_seq_uq" ON "case_events" USING btree ("workflow_id","seq");--> statement-breakpoint
CREATE INDEX "case_events_case_idx" ON "case_events" USING btree ("case_no","seq");--> statement-breakpoint
CREATE INDEX "cases_stage_idx" ON "cases" USING btree ("stage");--> statement-breakpoint
CREATE INDEX "cases_priority_idx" ON "cases" USING btree ("priority");--> statement-breakpoint
CREATE INDEX "cases_engineer_idx" ON "cases" USING btree ("engineer_id");--> statement-breakpoint
CREATE INDEX "cases_created_idx" ON "cases" USING btree ("created_at","case_no");--> statement-breakpoint
CREATE INDEX "cases_open_duplicate_idx" ON "cases" USING btree ("customer_phone_key","product_serial") WHERE stage NOT IN ('archived', 'cancelled');--> statement-breakpoint
CREATE INDEX "intake_requests_customer_product_idx" ON "intake_requests" USING btree ("customer_phone_key","product_serial");