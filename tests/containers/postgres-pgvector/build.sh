#!/usr/bin/env bash
# Builds the PostgreSQL 15 + pgvector image of the test suite from Debian's packages alone, unless
# an image of the same recipe exists, and prints its name on stdout.
#
#   tests/containers/postgres-pgvector/build.sh          build when missing, print the image name
#   tests/containers/postgres-pgvector/build.sh --name   print the name only
#
# The image is named compozy-data/postgres-pgvector:<recipe hash>: a hash of the files that make it
# (this script, the Dockerfile and the entry point), so that an image is rebuilt exactly when its
# recipe changes, and a present one is found in a second. Needs a running Docker engine; building
# needs root (mmdebstrap, and apt-get to install mmdebstrap when it is missing).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repository=compozy-data/postgres-pgvector
base_repository=compozy-data/debian-bookworm-postgresql-15
recipe=(build.sh Dockerfile docker-entrypoint.sh)

log() { echo "postgres-pgvector: $*" >&2; }

recipe_hash=$(cd "$here" && sha256sum "${recipe[@]}" | sha256sum | cut -c1-12)
image="$repository:$recipe_hash"
base_image="$base_repository:$recipe_hash"

if [ "${1:-}" = --name ]; then
  echo "$image"
  exit 0
elif [ $# -gt 0 ]; then
  log "unknown argument '$1'; usage: $0 [--name]"
  exit 2
fi

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "$image"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  log "the image $image is missing and building it needs root (mmdebstrap): run 'sudo $0'"
  exit 1
fi
if ! command -v mmdebstrap >/dev/null; then
  log "installing mmdebstrap from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null
fi

# shellcheck source=../../../scripts/lib/debian-mirror.sh
source "$here/../../../scripts/lib/debian-mirror.sh"
mirror=$(debian_mirror)

if ! docker image inspect "$base_image" >/dev/null 2>&1; then
  log "making the base image $base_image: Debian bookworm (minbase) with postgresql-15, from $mirror"
  # The package's own cluster would only take room: the entry point creates the one it runs.
  mmdebstrap --quiet --variant=minbase --include=postgresql-15 \
    --essential-hook='mkdir -p "$1/etc/postgresql-common/createcluster.d" && echo "create_main_cluster = false" > "$1/etc/postgresql-common/createcluster.d/no-main-cluster.conf"' \
    bookworm - "$mirror" | docker import --message "mmdebstrap --variant=minbase --include=postgresql-15 bookworm" - "$base_image" >/dev/null
fi

log "building $image (pgvector from Debian trixie's source package)"
# Host networking for the build steps: containers on the default bridge reach only the host
# (the engine runs with --ip-masq=false), and the build stage fetches packages from the mirror.
docker build --quiet --network host --build-arg "BASE_IMAGE=$base_image" --tag "$image" "$here" >/dev/null

# The build stage, and the images of earlier recipes (unless a container still uses them).
docker image prune --force --filter label=org.compozy.data.recipe=postgres-pgvector-build >/dev/null
for old in $(for name in "$repository" "$base_repository"; do docker image ls --format '{{.Repository}}:{{.Tag}}' "$name"; done); do
  case "$old" in
    "$image" | "$base_image") ;;
    *) docker image rm "$old" >/dev/null 2>&1 || true ;;
  esac
done

echo "$image"
