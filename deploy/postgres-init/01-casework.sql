-- Runs once, when the postgresql volume is first initialised (docker-entrypoint-initdb.d),
-- as the superuser POSTGRES_USER. Temporal's databases are not made here (`temporal`
-- by the postgres image, as POSTGRES_DB, and `temporal_visibility` by temporalio/auto-setup);
-- this creates the application's own database, owned by a dedicated non-superuser role.
--
-- The password comes from the container environment (CASEWORK_DB_PASSWORD, set in
-- docker-compose.yml); \getenv needs psql 15 or newer (postgres:16 ships psql 16).
\getenv casework_password CASEWORK_DB_PASSWORD
CREATE ROLE casework LOGIN PASSWORD :'casework_password';
CREATE DATABASE casework OWNER casework;
-- btree_gist backs the no-double-booking exclusion constraint on engineer_bookings. It is
-- a trusted extension (the database owner could create it in a migration), but making
-- it here as the superuser also works where trusted extensions are restricted.
\connect casework
CREATE EXTENSION IF NOT EXISTS btree_gist;
