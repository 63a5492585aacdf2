CREATE TABLE "kpi_daily" (
	"dim" text NOT NULL,
	"day" date NOT NULL,
	"key" text NOT NULL,
	"cases" integer DEFAULT 0 NOT NULL,
	"archived" integer DEFAULT 0 NOT NULL,
	"cancelled" integer DEFAULT 0 NOT NULL,
	"accept_n" integer DEFAULT 0 NOT NULL,
	"accept_ms" double precision DEFAULT 0 NOT NULL,
	"contact_n" integer DEFAULT 0 NOT NULL,
	"contact_ms" double precision DEFAULT 0 NOT NULL,
	"on_site_n" integer DEFAULT 0 NOT NULL,
	"on_site_ms" double precision DEFAULT 0 NOT NULL,
	"resolution_ms" double precision DEFAULT 0 NOT NULL,
	"first_time_fix" integer DEFAULT 0 NOT NULL,
	"reworked" integer DEFAULT 0 NOT NULL,
	"rated" integer DEFAULT 0 NOT NULL,
	"rating_sum" integer DEFAULT 0 NOT NULL,
	"rating_1" integer DEFAULT 0 NOT NULL,
	"rating_2" integer DEFAULT 0 NOT NULL,
	"rating_3" integer DEFAULT 0 NOT NULL,
	"rating_4" integer DEFAULT 0 NOT NULL,
	"rating_5" integer DEFAULT 0 NOT NULL,
	"complaints" integer DEFAULT 0 NOT NULL,
	"ack_due" integer DEFAULT 0 NOT NULL,
	"ack_on_time" integer DEFAULT 0 NOT NULL,
	"resolve_due" integer DEFAULT 0 NOT NULL,
	"resolve_on_time" integer DEFAULT 0 NOT NULL,
	"sla_first_response_n" integer DEFAULT 0 NOT NULL,
	"sla_first_response_met" integer DEFAULT 0 NOT NULL,
	"sla_dispatch_n" integer DEFAULT 0 NOT NULL,
	"sla_dispatch_met" integer DEFAULT 0 NOT NULL,
	"sla_engineer_acceptance_n" integer DEFAULT 0 NOT NULL,
	"sla_engineer_acceptance_met" integer DEFAULT 0 NOT NULL,
	"sla_customer_contact_n" integer DEFAULT 0 NOT NULL,
	"sla_customer_contact_met" integer DEFAULT 0 NOT NULL,
	"sla_on_site_arrival_n" integer DEFAULT 0 NOT NULL,
	"sla_on_site_arrival_met" integer DEFAULT 0 NOT NULL,
	"sla_resolution_n" integer DEFAULT 0 NOT NULL,
	"sla_resolution_met" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "kpi_daily_dim_day_key_pk" PRIMARY KEY("dim","day","key")
);
--> statement-breakpoint
CREATE TABLE "kpi_refresh_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"refreshed_at" timestamp with time zone NOT NULL,
	"watermark" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"role" text NOT NULL,
	"subject" text,
	"api_key_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "staff_sessions_expires_idx" ON "staff_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "case_events_recorded_idx" ON "case_events" USING btree ("recorded_at");--> statement-breakpoint
CREATE INDEX "sla_results_case_idx" ON "sla_results" USING btree ("case_no");--> statement-breakpoint
CREATE INDEX "complaint_events_recorded_idx" ON "complaint_events" USING btree ("recorded_at");