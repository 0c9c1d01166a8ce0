#!/usr/bin/env bash
# The database's backup, verified once written, with 30-day rotation.
#
#   scripts/backup-db.sh [DIR]      (DIR: BACKUP_DIR, default data/backups)
#
# DATABASE_URL (from the environment or .env) says which engine:
# - PostgreSQL: pg_dump's custom format (-Fc), verified by pg_restore --list; a URL that sets the
#   search_path (…?options=-csearch_path%3Dname) backs up that schema alone;
# - SQLite: `estimate-service backup` (SQLite's online backup API: the service may keep running),
#   verified by its integrity check.
# Files are named estimate-db-YYYYMMDD-HHMMSS.{dump,sqlite}; those whose date is older than
# BACKUP_RETENTION_DAYS (30) are removed after a backup succeeds. Exit 1 naming what failed; a
# failed backup leaves no file.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/backup-lib.sh"
dir=${1:-$(env_value BACKUP_DIR data/backups)}
mkdir -p "$dir"
url=$(database_url)
stamp=$(date -u +%Y%m%d-%H%M%S)
case "$url" in
  postgres://*|postgresql://*)
    file="$dir/estimate-db-$stamp.dump"
    schema=$(schema_of_url "$url")
    args=(-Fc --no-owner -f "$file.partial")
    [[ -n "$schema" ]] && args+=(-n "$schema")
    if ! pg_dump "${args[@]}" "$(libpq_url "$url")"; then
      rm -f "$file.partial"; echo "backup-db: pg_dump failed" >&2; exit 1
    fi
    if ! pg_restore --list "$file.partial" >/dev/null; then
      rm -f "$file.partial"; echo "backup-db: the dump does not read back (pg_restore --list)" >&2; exit 1
    fi
    mv "$file.partial" "$file"
    ;;
  sqlite://*)
    file="$dir/estimate-db-$stamp.sqlite"
    "$(service_binary)" backup "$file" >/dev/null
    ;;
  *) echo "backup-db: DATABASE_URL is neither postgresql:// nor sqlite://" >&2; exit 1 ;;
esac
echo "backup-db: $file ($(stat -c %s "$file") bytes), verified"
rotate "$dir" estimate-db
