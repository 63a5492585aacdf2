CREATE TABLE "move_requests" (
	"target_no" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"action" text NOT NULL,
	"request_hash" text NOT NULL,
	"actor_role" text NOT NULL,
	"actor_subject" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "move_requests_target_no_idempotency_key_pk" PRIMARY KEY("target_no","idempotency_key")
);
--> statement-breakpoint
ALTER TABLE "intake_requests" ADD COLUMN "start_claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "complaint_requests" ADD COLUMN "start_claimed_at" timestamp with time zone;