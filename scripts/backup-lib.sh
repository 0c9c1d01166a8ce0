# Shared by the backup scripts (sourced): the configuration's values and the rotation.

# A variable from the environment, else from .env (quotes and a trailing comment removed), else
# the default.
env_value() {
  local name=$1 default=${2:-}
  if [[ -n "${!name:-}" ]]; then echo "${!name}"; return; fi
  if [[ -f .env ]]; then
    local line
    line=$(grep -E "^(export )?$name=" .env | tail -n 1 || true)
    if [[ -n "$line" ]]; then
      line=${line#*=}
      if [[ "$line" == \"* ]]; then line=${line#\"}; line=${line%%\"*}
      elif [[ "$line" == \'* ]]; then line=${line#\'}; line=${line%%\'*}
      else line=${line%% #*}; fi
      echo "$line"; return
    fi
  fi
  echo "$default"
}

database_url() { env_value DATABASE_URL sqlite://data/estimate.db; }

# The schema a URL's options=-csearch_path%3Dname names, empty when none.
schema_of_url() {
  local url=$1
  [[ "$url" =~ options=-csearch_path(%3D|=)([A-Za-z0-9_]+) ]] && echo "${BASH_REMATCH[2]}" || true
}

# The URL for libpq's tools (pg_dump, pg_restore, psql): postgres:// as they read it.
libpq_url() { echo "$1"; }

service_binary() {
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  if [[ -n "${ESTIMATE_BINARY:-}" ]]; then echo "$ESTIMATE_BINARY"
  elif command -v estimate-service >/dev/null; then command -v estimate-service
  else echo "$root/build/estimate-service"; fi
}

# Removes PREFIX-YYYYMMDD-HHMMSS.* files of DIR whose date is more than BACKUP_RETENTION_DAYS
# (default 30) days before today (UTC), by the date in the name, not the file's time.
rotate() {
  local dir=$1 prefix=$2 keep
  keep=$(env_value BACKUP_RETENTION_DAYS 30)
  local limit
  limit=$(date -u -d "-$keep days" +%Y%m%d)
  local f name day
  for f in "$dir/$prefix"-*; do
    [[ -e "$f" ]] || continue
    name=$(basename "$f")
    [[ "$name" =~ ^$prefix-([0-9]{8})-[0-9]{6}\. ]] || continue
    day=${BASH_REMATCH[1]}
    if [[ "$day" < "$limit" ]]; then
      rm -f "$f"
      echo "rotate: removed $name (older than $keep days)"
    fi
  done
}
