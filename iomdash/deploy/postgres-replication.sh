#!/bin/sh
# Run once by the postgres image at the first start (docker-entrypoint-initdb.d):
# lets the read replica of docker-compose's "scale" profile stream the WAL with the
# application's user (a superuser in this image, so it has REPLICATION).
set -e
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
