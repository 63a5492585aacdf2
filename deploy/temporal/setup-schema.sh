#!/bin/sh
# Creates or upgrades Temporal's two PostgreSQL databases to the schema of the server
# version in use: docker-compose.yml's `temporal-schema` job runs it in the admin-tools
# image, `npm run test:production` with the schema tool `npm run install:temporal-server`
# built. Safe to run again (an existing database is kept; update-schema applies only the
# versions it lacks). Upgrading the server: run this with the new version's tools first.
#   SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD   the PostgreSQL server and a role that may create databases
#   DBNAME, VISIBILITY_DBNAME                     default temporal, temporal_visibility
#   TEMPORAL_SCHEMA_DIR                           default /etc/temporal/schema/postgresql/v12 (admin-tools)
set -eu
export SQL_PLUGIN="${SQL_PLUGIN:-postgres12}"
schema_dir="${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"

for pair in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
  db="${pair%%:*}"
  dir="${pair##*:}"
  if ! out=$(temporal-sql-tool --db "$db" create-database 2>&1); then
    case "$out" in
      *"already exists"*) echo "setup-schema: database $db exists" ;;
      *) echo "$out" >&2; exit 1 ;;
    esac
  fi
  temporal-sql-tool --db "$db" setup-schema -v 0.0
  temporal-sql-tool --db "$db" update-schema -d "$schema_dir/$dir/versioned"
  echo "setup-schema: $db is at the schema of $schema_dir/$dir"
done
