#!/bin/bash
# Run once by the postgres image when it creates the database (docker-entrypoint-initdb.d): a role that may only
# stream the write-ahead log, and the pg_hba.conf line that lets it connect for that (docker-compose.yml,
# db-replica). The image's entrypoint restarts the server after this, so the line takes effect at once.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set password="$POSTGRES_REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SQL
echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
