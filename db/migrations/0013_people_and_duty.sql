CREATE TABLE "duty_fallbacks" (
	"region" text NOT NULL,
	"role" text NOT NULL,
	"person_id" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "duty_fallbacks_region_role_pk" PRIMARY KEY("region","role")
);
--> statement-breakpoint
CREATE TABLE "duty_shifts" (
	"id" serial PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"role" text NOT NULL,
	"region" text NOT NULL,
	"days" integer[] NOT NULL,
	"start_time" text NOT NULL,
	"end_time" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"roles" text[] NOT NULL,
	"regions" text[] NOT NULL,
	"phone" text,
	"email" text,
	"preferred_channel" text NOT NULL,
	"language" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "person_id" text;--> statement-breakpoint
ALTER TABLE "case_events" ADD COLUMN "actor_person_id" text;--> statement-breakpoint
ALTER TABLE "case_events" ADD COLUMN "actor_person_name" text;--> statement-breakpoint
ALTER TABLE "engineers" ADD COLUMN "person_id" text;--> statement-breakpoint
ALTER TABLE "complaint_events" ADD COLUMN "actor_person_id" text;--> statement-breakpoint
ALTER TABLE "complaint_events" ADD COLUMN "actor_person_name" text;--> statement-breakpoint
ALTER TABLE "duty_fallbacks" ADD CONSTRAINT "duty_fallbacks_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duty_shifts" ADD CONSTRAINT "duty_shifts_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "duty_shifts_role_region_idx" ON "duty_shifts" USING btree ("role","region");--> statement-breakpoint
CREATE INDEX "duty_shifts_person_idx" ON "duty_shifts" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "people_roles_idx" ON "people" USING gin ("roles");--> statement-breakpoint
CREATE INDEX "people_regions_idx" ON "people" USING gin ("regions");