#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on the local socket and that the given databases exist.
# Uses the running server when there is one (trust auth); otherwise installs and starts Debian's.
set -euo pipefail
SOCKET_DIR=/var/run/postgresql
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
me=$(id -un)

answers() { psql -h "$SOCKET_DIR" -d postgres -Atc 'select 1' >/dev/null 2>&1; }

if ! answers; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "Installation de PostgreSQL…"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  fi
  version=$(ls /etc/postgresql | sort -V | tail -1)
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do
    pg_isready -h "$SOCKET_DIR" -q && break
    sleep 1
  done
  if ! answers; then
    # A fresh cluster only knows the postgres role: give the current user a superuser role.
    $SUDO -u postgres psql -h "$SOCKET_DIR" -d postgres -c "CREATE ROLE \"$me\" SUPERUSER LOGIN" >/dev/null 2>&1 \
      || runuser -u postgres -- psql -h "$SOCKET_DIR" -d postgres -c "CREATE ROLE \"$me\" SUPERUSER LOGIN" >/dev/null
  fi
fi
for db in "$@"; do
  if [ "$(psql -h "$SOCKET_DIR" -d postgres -Atc "select 1 from pg_database where datname='$db'")" != "1" ]; then
    psql -h "$SOCKET_DIR" -d postgres -c "CREATE DATABASE \"$db\"" >/dev/null
  fi
done
echo "PostgreSQL prêt : $*"
