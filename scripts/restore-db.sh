#!/usr/bin/env bash
# Restores a backup of scripts/backup-db.sh over the database of DATABASE_URL (stop the service
# first). The file is checked before anything is touched: a damaged or foreign file is refused
# with the reason and the database stays as it was.
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
    if ! pg_restore --list "$file" >/dev/null 2>"$file.check"; then
      echo "restore-db: $file is not a readable pg_dump backup: $(head -n 1 "$file.check")" >&2
      rm -f "$file.check"; exit 1
    fi
    rm -f "$file.check"
    schema=$(schema_of_url "$url")
    target=$(libpq_url "$url")
    if [[ -n "$schema" ]]; then  # the dump creates its schema again
      psql -q "$target" -c "DROP SCHEMA IF EXISTS \"$schema\" CASCADE" >/dev/null
    fi
    pg_restore --clean --if-exists --no-owner --exit-on-error -d "$target" "$file"
    ;;
  sqlite://*)
    "$(service_binary)" restore "$file" >/dev/null
    ;;
  *) echo "restore-db: DATABASE_URL is neither postgresql:// nor sqlite://" >&2; exit 1 ;;
esac
echo "restore-db: restored from $file"
