#!/usr/bin/env bash
# Builds the image of deploy/docker/Dockerfile with podman and proves it: started with a
# read-only root filesystem as uid 1000, it answers /health/ready. For a machine that reaches the
# Debian mirror but no container registry: the Dockerfile's base images (debian:12,
# debian:12-slim, node:20-bookworm-slim) are pulled when the registry answers, and otherwise made
# here — Debian 12 by debootstrap from the Debian mirror, and the Node 20 image as that Debian 12
# with this machine's Node 20 and trust store (the web application's build needs 20; Debian 12
# has 18).
#
#   deploy/docker/build-local.sh [TAG]        default TAG: localhost/estimate-service:dev
# Environment: SHARED (default ../shared, the ГГЭ schemas' context), WORK (default a temporary
# folder), PODMAN_RUNTIME (default runc: crun cannot run under hybrid cgroups).
# Root only (debootstrap, podman's storage). Prints what it did and the smoke check's result.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tag=${1:-localhost/estimate-service:dev}
shared=${SHARED:-$root/../shared}
work=${WORK:-$(mktemp -d /tmp/estimate-image-XXXXXX)}
runtime=${PODMAN_RUNTIME:-runc}
podman=(podman --runtime "$runtime" --cgroup-manager cgroupfs)
# Limits the container may set without CAP_SYS_RESOURCE (podman's defaults raise them).
limits=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit nproc=4096:4096)

say() { echo "build-local: $*" >&2; }

# A base image: pulled, or made by `make_it` when the registry cannot be reached.
base() {
  local name=$1 make_it=$2
  if podman image exists "$name"; then return; fi
  if timeout 60 podman pull -q "$name" >/dev/null 2>&1; then say "pulled $name"; return; fi
  say "$name cannot be pulled; making it here"
  "$make_it" "$name"
}

debian_rootfs() {
  if [[ ! -x "$work/rootfs/usr/bin/apt-get" ]]; then
    say "debootstrap bookworm (minbase) into $work/rootfs"
    debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
      || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
    rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  fi
}

make_debian() {
  debian_rootfs
  tar -C "$work/rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$1" >/dev/null
}

make_node() {
  debian_rootfs
  local node_root="$work/node-rootfs"
  rm -rf "$node_root" && cp -a "$work/rootfs" "$node_root"
  install -m 0755 "$(readlink -f "$(command -v node)")" "$node_root/usr/local/bin/node"
  mkdir -p "$node_root/usr/local/lib/node_modules"
  cp -a "$(dirname "$(readlink -f "$(command -v npm)")")/.." "$node_root/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$node_root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$node_root/usr/local/bin/npx"
  # This machine's trust store, as its own Node has it (a TLS-inspecting proxy's CA among them):
  # npm ci in the web stage reaches the npm registry through the same network.
  mkdir -p "$node_root/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$node_root/etc/ssl/certs/ca-certificates.crt"
  tar -C "$node_root" -c . | podman import --change 'CMD ["node"]' \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' - "$1" >/dev/null
}

base docker.io/library/debian:12 make_debian
if ! podman image exists docker.io/library/debian:12-slim; then
  timeout 60 podman pull -q docker.io/library/debian:12-slim >/dev/null 2>&1 \
    || podman tag docker.io/library/debian:12 docker.io/library/debian:12-slim
fi
base docker.io/library/node:20-bookworm-slim make_node

say "building $tag"
start=$(date +%s)
"${podman[@]}" build --network host --build-context shared="$shared" -f "$root/deploy/docker/Dockerfile" \
  -t "$tag" "$root" >"$work/build.log" 2>&1 || { tail -40 "$work/build.log" >&2; exit 1; }
say "built in $(( $(date +%s) - start )) s: $(podman image inspect "$tag" --format '{{.Size}}') bytes"

# The smoke check: read-only root, uid 1000, the data volume, /health/ready.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
volume="estimate-smoke-$$"
podman volume create "$volume" >/dev/null
cleanup() { "${podman[@]}" rm -f estimate-smoke >/dev/null 2>&1 || true; podman volume rm -f "$volume" >/dev/null 2>&1 || true; }
trap cleanup EXIT
# The data volume belongs to root when podman makes it: hand it to uid 1000, then migrate.
"${podman[@]}" run --rm "${limits[@]}" --user 0 -v "$volume":/app/data --entrypoint /bin/chown "$tag" -R 1000:1000 /app/data
"${podman[@]}" run --rm "${limits[@]}" --read-only --network host -v "$volume":/app/data "$tag" migrate >/dev/null
"${podman[@]}" run -d "${limits[@]}" --name estimate-smoke --read-only --tmpfs /tmp --network host \
  -v "$volume":/app/data -e PORT="$port" "$tag" serve >/dev/null
ready=""
for _ in $(seq 60); do
  if ready=$(curl -fsS "http://127.0.0.1:$port/health/ready" 2>/dev/null); then break; fi
  sleep 1
done
[[ -n "$ready" ]] || { "${podman[@]}" logs estimate-smoke | tail -20 >&2; say "not ready"; exit 1; }
uid=$("${podman[@]}" exec estimate-smoke id -u)
if "${podman[@]}" exec estimate-smoke sh -c 'touch /usr/local/bin/x' 2>/dev/null; then say "the root filesystem is writable"; exit 1; fi
say "ready as uid $uid with a read-only root: $ready"
