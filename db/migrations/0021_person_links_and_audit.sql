-- Keys and engineers point at real people; the audit trail names the acting key's person.
-- A link to a person who was never in the directory names nobody: it is cleared, so the
-- foreign keys can hold (people are deactivated, never deleted; RESTRICT keeps it so).
UPDATE "api_keys" SET "person_id" = NULL WHERE "person_id" IS NOT NULL AND "person_id" NOT IN (SELECT "id" FROM "people");--> statement-breakpoint
UPDATE "engineers" SET "person_id" = NULL WHERE "person_id" IS NOT NULL AND "person_id" NOT IN (SELECT "id" FROM "people");--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "actor_person_id" text;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "engineers" ADD CONSTRAINT "engineers_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE restrict ON UPDATE no action;
