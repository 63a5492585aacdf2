CREATE TABLE "case_metrics" (
	"case_no" text PRIMARY KEY NOT NULL,
	"engineer_id" text,
	"metrics" jsonb NOT NULL,
	"first_time_fix" boolean NOT NULL,
	"visits" integer NOT NULL,
	"reworks" integer NOT NULL,
	"rating" integer,
	"archived_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "engineer_bookings" (
	"id" text PRIMARY KEY NOT NULL,
	"engineer_id" text NOT NULL,
	"case_no" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "engineer_load" (
	"engineer_id" text NOT NULL,
	"case_no" text NOT NULL,
	"kind" text NOT NULL,
	"since" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "engineer_load_engineer_id_case_no_pk" PRIMARY KEY("engineer_id","case_no")
);
--> statement-breakpoint
CREATE TABLE "engineers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"badge_no" text NOT NULL,
	"phone" text,
	"skills" jsonb NOT NULL,
	"home_lat" double precision,
	"home_lng" double precision,
	"regions" text[] NOT NULL,
	"working_hours" jsonb NOT NULL,
	"max_open_cases" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"rating" double precision NOT NULL,
	"rating_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "offered_engineer_id" text;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "snapshot" jsonb;--> statement-breakpoint
CREATE INDEX "engineer_bookings_case_idx" ON "engineer_bookings" USING btree ("case_no");--> statement-breakpoint
CREATE INDEX "engineer_bookings_engineer_idx" ON "engineer_bookings" USING btree ("engineer_id","starts_at") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "engineer_load_case_idx" ON "engineer_load" USING btree ("case_no");--> statement-breakpoint
CREATE INDEX "engineers_regions_idx" ON "engineers" USING gin ("regions");--> statement-breakpoint
CREATE INDEX "cases_offered_engineer_idx" ON "cases" USING btree ("offered_engineer_id");