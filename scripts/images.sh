#!/usr/bin/env bash
# Builds the four service images with podman from k8s/images/Containerfile (one recipe for all):
#   overfit-guard/<service>:<tag>           for data-, trainer-, evaluator- and monitor-service
#   overfit-guard/trainer-service-gpu:<tag> with --gpu DIR (DIR/lib holds a CUDA 12.8 libtorch 2.7.1)
# The names are the ones k8s/overlays/dev gives the images.
#
#   scripts/images.sh [--base IMAGE] [--tag TAG] [--gpu DIR] [--rebuild-base]
#
# --base IMAGE   any image with /bin/sh and a Java 17 runtime (e.g. the production default,
#                registry.access.redhat.com/ubi9/openjdk-17-runtime:1.24, or eclipse-temurin:17-jre).
#                Without it the script makes a Debian base locally, once: debootstrap of the machine's
#                release and mirror with openjdk-17-jre-headless, imported as $DEBIAN_BASE (needs root
#                and debootstrap; nothing is pulled from a registry). --rebuild-base makes it again.
# --tag TAG      the images' tag (default dev)
# --gpu DIR      also the GPU trainer, with DIR (under the repository, e.g. build/libtorch) as LIBTORCH_DIR
#
# Builds the fast-jars first when one is missing (mvn -DskipTests package). Prints each image's build
# time and size. PODMAN overrides the command (default podman).
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_BASE=localhost/overfit-guard/jre17-base:debian
SERVICES=(data-service trainer-service evaluator-service monitor-service)
podman=${PODMAN:-podman}
base="" tag=dev gpu="" rebuild_base=false
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base=${2:?--base needs an image}; shift 2 ;;
    --tag) tag=${2:?--tag needs a value}; shift 2 ;;
    --gpu) gpu=${2:?--gpu needs a libtorch directory}; shift 2 ;;
    --rebuild-base) rebuild_base=true; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "images.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
say() { printf '[images] %s\n' "$*"; }
fail() { printf '[images] FAILED: %s\n' "$*" >&2; exit 1; }
command -v "$podman" >/dev/null || fail "$podman is not installed (scripts/install-test-tools.sh installs podman and runc)"

# The mirror and release this machine's apt uses (deb822 .sources or a classic sources.list).
debian_mirror() {
  local uri
  uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -n1 || true)
  [ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}' | grep -v security | head -n1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

make_debian_base() {
  command -v debootstrap >/dev/null || fail "no --base given and debootstrap is not installed"
  [ "$(id -u)" -eq 0 ] || fail "making the Debian base needs root (debootstrap); give --base IMAGE instead"
  local release mirror root started
  release=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  mirror=$(debian_mirror)
  root=$(mktemp -d /tmp/overfit-guard-base.XXXXXX)
  trap 'rm -rf "$root"' RETURN
  started=$SECONDS
  say "making the base $DEBIAN_BASE: debootstrap --variant=minbase $release from $mirror (about a minute)"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless "$release" "$root" "$mirror" \
      >"$root.log" 2>&1 || { tail -n 20 "$root.log" >&2; fail "debootstrap failed (log above)"; }
  rm -f "$root.log"
  # what a runtime image does not need: package caches, lists, documentation
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/*
  "$root/usr/bin/java" -version >/dev/null 2>&1 || chroot "$root" java -version >/dev/null 2>&1 \
      || fail "the base has no working java"
  tar --numeric-owner -C "$root" -c . | "$podman" import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["/bin/sh"]' \
      --message "debootstrap $release minbase + openjdk-17-jre-headless from $mirror" \
      - "$DEBIAN_BASE" >/dev/null
  say "base $DEBIAN_BASE made in $((SECONDS - started)) s"
}

if [ -z "$base" ]; then
  base=$DEBIAN_BASE
  if $rebuild_base || ! "$podman" image exists "$base"; then
    make_debian_base
  else
    say "base $base (made earlier; --rebuild-base makes it again)"
  fi
fi

missing=false
for s in "${SERVICES[@]}"; do
  [ -f "$s/target/quarkus-app/quarkus-run.jar" ] || missing=true
done
[ -f lm/target/native/libmkl-feature-dispatch.so ] || missing=true # lm's MKL dispatch shim, which every image preloads
if $missing; then
  say "building the fast-jars (mvn -DskipTests package)"
  mvn -q -B -DskipTests package
fi

revision=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -n1)
build() { # image service [extra build args...]
  local image=$1 service=$2 port started
  shift 2
  port=$(sed -n 's/^quarkus.http.port=//p' "$service/src/main/resources/application.properties")
  started=$SECONDS
  "$podman" build --quiet -f k8s/images/Containerfile --build-arg BASE_IMAGE="$base" --build-arg SERVICE="$service" \
      --build-arg HTTP_PORT="${port:-8080}" --build-arg REVISION="$revision" --build-arg VERSION="$version" \
      "$@" -t "$image" . >/dev/null || fail "podman build of $image"
  say "$(printf '%-44s built in %3d s, %s' "$image" $((SECONDS - started)) \
      "$("$podman" image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1 / 1e6}')")"
}
for s in "${SERVICES[@]}"; do
  build "overfit-guard/$s:$tag" "$s"
done
if [ -n "$gpu" ]; then
  [ -f "$gpu/lib/libtorch.so" ] || fail "--gpu $gpu: no $gpu/lib/libtorch.so (unpack libtorch there; docs/deploy.md)"
  build "overfit-guard/trainer-service-gpu:$tag" trainer-service --build-arg LIBTORCH_DIR="$gpu" --build-arg LIBTORCH_FLAVOR=cu128
fi
# the images these tags replaced, now untagged (only ours: they carry the label)
"$podman" image prune --force --filter label=io.overfit-guard.service >/dev/null || true
say "done: base $base, tag $tag"
