#!/bin/bash
# Starts PostgreSQL in the test image, configured the way Testcontainers.PostgreSql (and anyone used
# to the official postgres image) expects:
#   POSTGRES_PASSWORD   the superuser's password (required)
#   POSTGRES_USER       the superuser's name (default postgres)
#   POSTGRES_DB         a database to create (default: the user's name)
#   arguments           passed to postgres, for example -c fsync=off; a leading "postgres" is dropped
#
# Testcontainers decides the server is ready when `pg_isready --host localhost` succeeds inside
# the container. So the first start, which creates the cluster and the database, listens on the
# Unix socket only; the server that then stays listens on *:5432. On a restart of the container the
# cluster exists and the server starts at once.
set -euo pipefail

if [ "${1:-}" = postgres ]; then
  shift
fi

: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is not set: the image needs a password for the superuser}"
POSTGRES_USER=${POSTGRES_USER:-postgres}
POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  # Local (socket) connections are trusted, as in the official image; TCP needs the password.
  # --no-sync and fsync=off below: the cluster lives and dies with the container, and syncing it
  # would add seconds to every container's start.
  initdb --pgdata="$PGDATA" --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  # initdb allows TCP from loopback only; clients come through the published port from outside.
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"

  pg_ctl --pgdata="$PGDATA" --wait --silent --options="-c listen_addresses='' -c fsync=off" start
  if [ "$POSTGRES_DB" != postgres ]; then
    psql --username="$POSTGRES_USER" --dbname=postgres --quiet --no-psqlrc --set=ON_ERROR_STOP=1 \
      --set=db="$POSTGRES_DB" <<<'CREATE DATABASE :"db"'
  fi
  pg_ctl --pgdata="$PGDATA" --wait --silent --mode=fast stop
  echo "docker-entrypoint: cluster created; starting PostgreSQL"
fi

exec postgres -c listen_addresses='*' "$@"
