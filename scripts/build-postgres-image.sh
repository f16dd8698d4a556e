#!/usr/bin/env bash
# Builds the local PostgreSQL image kdrill/postgres:15 for the etcd lab's worker node, from the
# host's Debian postgresql-15 (no image registry is needed). Where a registry is reachable,
# `worker: {image: postgres:16}` works too. Idempotent: pass --force to rebuild.
set -euo pipefail
source "$(dirname "$0")/lib/rootfs.sh"
IMAGE=${KDRILL_POSTGRES_IMAGE:-kdrill/postgres:15}
if image_present "$IMAGE" "" "${1:-}"; then exit 0; fi
started=$(date +%s.%N)
PG=/usr/lib/postgresql/15
if [ ! -x "$PG/bin/postgres" ] || [ ! -x "$PG/bin/psql" ] || [ ! -x /bin/busybox ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 busybox-static >/dev/null
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,tmp,etc,run/postgresql,var/lib/postgresql,usr/share,usr/lib} "$root$PG"
cp -a "$PG/bin" "$PG/lib" "$root$PG/"
mkdir -p "$root/usr/share/postgresql"
cp -a /usr/share/postgresql/15 "$root/usr/share/postgresql/"
copy_libs "$root" "$PG"/bin/* "$PG"/lib/*.so
install_busybox "$root" sh cat ls mkdir rm sleep echo chmod chown id env grep sed head tail true false
printf 'root:x:0:0:root:/root:/bin/sh\npostgres:x:999:999:PostgreSQL:/var/lib/postgresql:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\npostgres:x:999:\n' > "$root/etc/group"
cat > "$root/bin/kdrill-postgres" <<'SH'
#!/bin/sh
# First start: initdb and a database named $POSTGRES_DB (default: postgres); then postgres as PID 1.
set -e
export PGDATA=/var/lib/postgresql/data
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  initdb -D "$PGDATA" -U postgres --auth=trust --no-locale -E UTF8 >/dev/null
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  echo "host all all 0.0.0.0/0 trust" >> "$PGDATA/pg_hba.conf"
  if [ -n "${POSTGRES_DB:-}" ] && [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE \"$POSTGRES_DB\"" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
fi
exec postgres -D "$PGDATA" -k /tmp
SH
chmod +x "$root/bin/kdrill-postgres"
chmod 1777 "$root/tmp"
chown -R 999:999 "$root/var/lib/postgresql" "$root/run/postgresql"
tar -C "$root" -c . | docker import \
  --change "ENV PATH=$PG/bin:/bin" --change 'ENV PGHOST=/tmp' --change 'ENV TZ=UTC' \
  --change 'USER postgres' --change 'ENTRYPOINT ["/bin/kdrill-postgres"]' \
  - "$IMAGE" >/dev/null
say_built "$IMAGE" "$started"
