#!/usr/bin/env bash
# The images, really run: builds them (scripts/images.sh), then starts the embedded broker and the
# four services as containers, run as k8s/overlays/dev says (user 185, read-only root filesystem,
# capabilities dropped, no privilege escalation, its volumes, environment and memory limits: derived
# from the rendered manifests), submits the default run, kills the trainer container with SIGKILL
# after the first checkpoint, starts it again, follows the run to its early stop, and finally starts
# the GPU trainer image as k8s/overlays/prod runs it, which must refuse to start without a GPU.
# Prints each step; exits non-zero at the first that fails, with the container's log.
#
#   scripts/images-smoke.sh [--no-build] [--spec FILE] [--gpu DIR] [--base IMAGE] [--workdir DIR]
#
# --no-build     use the images already built
# --spec FILE    submit this run spec instead of the default run (the test suite submits a smaller
#                one, launcher/src/test/resources/e2e/overfit.yaml); it must stop early
# --gpu DIR      the GPU image with this CUDA libtorch (DIR/lib). Without it the GPU image is built with
#                DJL's CPU libtorch in place of the CUDA one (none can be downloaded here): what is
#                checked, the recipe, the environment and the refusal without a GPU, comes before
#                libtorch is loaded.
# --base IMAGE   the base image for scripts/images.sh (default: the Debian base it makes)
# --workdir DIR  broker data, volumes and the containers' logs (default .ensemble/images-smoke-<time>)
# Needs podman (with runc), kubectl, Java 17; scripts/install-test-tools.sh installs them.
set -euo pipefail
cd "$(dirname "$0")/.."

build=true gpu="" base_args=() workdir_args=() spec_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=false; shift ;;
    --gpu) gpu=${2:?--gpu needs a libtorch directory}; shift 2 ;;
    --spec) spec_args=(--spec "${2:?--spec needs a run spec file}"); shift 2 ;;
    --base) base_args=(--base "${2:?--base needs an image}"); shift 2 ;;
    --workdir) workdir_args=(--workdir "${2:?--workdir needs a directory}"); shift 2 ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "images-smoke.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
say() { printf '[smoke] %s\n' "$*"; }
fail() { printf '[smoke] FAILED: %s\n' "$*" >&2; exit 1; }
for tool in podman kubectl java; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/install-test-tools.sh)"
done
if [ ! -f launcher/target/launcher.jar ] || [ ! -f trainer-service/target/quarkus-app/quarkus-run.jar ]; then
  say "building the jars (mvn -DskipTests install)"
  mvn -q -B -DskipTests install
fi

if $build; then
  if [ -z "$gpu" ]; then
    gpu=build/libtorch-cpu-standin
    native=$(ls trainer-service/target/quarkus-app/lib/main/ai.djl.pytorch.pytorch-native-cpu-*.jar | head -n1)
    if [ ! -f "$gpu/lib/libtorch.so" ] || [ "$native" -nt "$gpu/lib/libtorch.so" ]; then
      say "GPU image: no CUDA libtorch here, so DJL's CPU libtorch stands in for it ($gpu)"
      rm -rf "$gpu" && mkdir -p "$gpu/lib" "$gpu/unpacked"
      (cd "$gpu/unpacked" && jar xf "$OLDPWD/$native")
      mv "$gpu"/unpacked/pytorch/cpu/linux-x86_64/* "$gpu/lib/" && rm -rf "$gpu/unpacked"
    fi
  fi
  scripts/images.sh "${base_args[@]}" --gpu "$gpu"
fi

exec java -cp launcher/target/launcher.jar org.overfitguard.launcher.containers.ImagesSmoke \
    --repo . --gpu-image overfit-guard/trainer-service-gpu:dev "${spec_args[@]}" "${workdir_args[@]}"
