-- Whose message a notification was: GET /me/notifications lists a person's rows by this
-- column, not by their current phone or e-mail. Rows written before it stay NULL (matched
-- by address, as before). A foreign key like api_keys.person_id: people are never deleted.
ALTER TABLE "notifications" ADD COLUMN "person_id" text;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notifications_person_idx" ON "notifications" USING btree ("person_id","id");