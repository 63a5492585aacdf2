-- An engineer can never be double-booked: two active bookings of the same engineer may
-- not overlap. Enforced by PostgreSQL, so concurrent bookings leave exactly one.
-- btree_gist provides the "=" operator class on text inside a GiST exclusion constraint.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
ALTER TABLE "engineer_bookings" ADD CONSTRAINT "engineer_bookings_no_overlap"
  EXCLUDE USING gist ("engineer_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&)
  WHERE ("status" = 'active');
--> statement-breakpoint
ALTER TABLE "engineer_bookings" ADD CONSTRAINT "engineer_bookings_valid_range" CHECK ("ends_at" > "starts_at");
