#!/usr/bin/env bash
# Restores a backup of scripts/backup-db.sh over the database of DATABASE_URL (stop the service
# first). The whole file is read before anything is touched: a damaged or foreign file is refused
# with the reason and the database stays as it was. PostgreSQL's restore is one transaction: it
# is all there, or nothing changed.
#
#   scripts/restore-db.sh FILE
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/backup-lib.sh"
file=${1:?usage: scripts/restore-db.sh FILE}
[[ -f "$file" ]] || { echo "restore-db: $file: no such file" >&2; exit 1; }
url=$(database_url)
case "$url" in
  postgres://*|postgresql://*)
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    schema=$(schema_of_url "$url")
    # The dump as SQL, every byte of it read: a cut or damaged file fails here.
    if ! pg_restore --clean --if-exists --no-owner -f "$work/restore.sql" "$file" 2>"$work/check"; then
      echo "restore-db: $file is not a readable pg_dump backup: $(head -n 1 "$work/check")" >&2
      exit 1
    fi
    {
      [[ -n "$schema" ]] && echo "DROP SCHEMA IF EXISTS \"$schema\" CASCADE;"
      cat "$work/restore.sql"
    } >"$work/all.sql"
    psql -q -1 -v ON_ERROR_STOP=1 -f "$work/all.sql" "$(libpq_url "$url")" >/dev/null
    ;;
  sqlite://*)
    "$(service_binary)" restore "$file" >/dev/null
    ;;
  *) echo "restore-db: DATABASE_URL is neither postgresql:// nor sqlite://" >&2; exit 1 ;;
esac
echo "restore-db: restored from $file"
