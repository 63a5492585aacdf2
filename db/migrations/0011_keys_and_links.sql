CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_role" text NOT NULL,
	"actor_subject" text,
	"action" text NOT NULL,
	"target_kind" text NOT NULL,
	"target_id" text NOT NULL,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_links" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_no" text NOT NULL,
	"purpose" text NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"issued_by_role" text NOT NULL,
	"issued_by_subject" text,
	"revoked_at" timestamp with time zone,
	"revoked_reason" text,
	"revoked_by_role" text,
	"revoked_by_subject" text
);
--> statement-breakpoint
-- Rows written before the keyed hash hold a bare sha256: mark them, then new rows default to HMAC.
ALTER TABLE "api_keys" ADD COLUMN "hash_scheme" text DEFAULT 'sha256' NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ALTER COLUMN "hash_scheme" SET DEFAULT 'hmac-sha256';--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "revoked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "last_used_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "replaced_by" integer;--> statement-breakpoint
CREATE INDEX "audit_events_target_idx" ON "audit_events" USING btree ("target_kind","target_id","id");--> statement-breakpoint
CREATE INDEX "customer_links_subject_idx" ON "customer_links" USING btree ("subject_no","purpose","issued_at");--> statement-breakpoint
-- The audit trail of keys and links: rows are only ever appended.
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only (% rejected)', TG_OP;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_events_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
