CREATE TABLE "callback_tasks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_no" text NOT NULL,
	"customer_name" text NOT NULL,
	"customer_phone" text NOT NULL,
	"engineer_id" text,
	"rating" integer,
	"due_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"result" jsonb,
	"done_by" text,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "maintenance_reminders" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_no" text NOT NULL,
	"customer" jsonb NOT NULL,
	"product" jsonb NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"opened_case_no" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "callback_tasks_case_uq" ON "callback_tasks" USING btree ("case_no");--> statement-breakpoint
CREATE INDEX "callback_tasks_open_idx" ON "callback_tasks" USING btree ("status","due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "maintenance_reminders_case_uq" ON "maintenance_reminders" USING btree ("case_no");--> statement-breakpoint
CREATE INDEX "maintenance_reminders_status_idx" ON "maintenance_reminders" USING btree ("status","due_at");