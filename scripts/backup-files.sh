#!/usr/bin/env bash
# The stored files' backup (STORAGE_PATH, default data/files), verified once written, with 30-day
# rotation: a tar.gz named estimate-files-YYYYMMDD-HHMMSS.tar.gz, listed back completely before it
# is kept. (With STORAGE_TYPE=s3 the bucket's own versioning and replication are the backup.)
#
#   scripts/backup-files.sh [DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/backup-lib.sh"
dir=${1:-$(env_value BACKUP_DIR data/backups)}
files=${STORAGE_PATH:-$(env_value STORAGE_PATH data/files)}
mkdir -p "$dir"
[[ -d "$files" ]] || { echo "backup-files: $files: no such folder" >&2; exit 1; }
file="$dir/estimate-files-$(date -u +%Y%m%d-%H%M%S).tar.gz"
tar -czf "$file.partial" -C "$files" .
count=$(find "$files" -type f | wc -l)
listed=$(tar -tzf "$file.partial" | grep -vc '/$' || true)
if [[ "$listed" -ne "$count" ]]; then
  rm -f "$file.partial"; echo "backup-files: the archive lists $listed files of $count" >&2; exit 1
fi
mv "$file.partial" "$file"
echo "backup-files: $file ($count files), verified"
rotate "$dir" estimate-files
