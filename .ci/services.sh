#!/usr/bin/env bash
# Install and start what the test suite needs: Debian's Chromium (browser tests), Redis
# (shared rate-limit storage), Pango and DejaVu fonts (PDF exports), PostgreSQL 15 (installed, not running) with the test role.
# Used by .ci/run; run it by hand (as root) to get the same services on a dev machine.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

need_install=()
[ -x /usr/bin/chromium ] || need_install+=(chromium)
command -v redis-server >/dev/null || need_install+=(redis-server)
command -v openssl >/dev/null || need_install+=(openssl)
# WeasyPrint (PDF exports) needs Pango and a system font; exports fetch no font
for package in libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; do
  dpkg -s "$package" >/dev/null 2>&1 || need_install+=("$package")
done
if [ ${#need_install[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${need_install[@]}" >/dev/null
fi

service postgresql start >/dev/null
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 1
done
su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'trainer') THEN
    CREATE ROLE trainer LOGIN PASSWORD 'trainer-test-password' CREATEDB;
  END IF;
END
$$;
SQL
su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'trainer_test'\"" | grep -q 1 \
  || su postgres -c "createdb -O trainer trainer_test"

if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  service redis-server start >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 >/dev/null
fi
for _ in $(seq 1 30); do
  redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break
  sleep 1
done
echo "services ready: postgresql (role trainer, database trainer_test), redis, chromium"
