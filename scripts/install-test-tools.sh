#!/usr/bin/env bash
# Installs what the tests need beyond Java and Maven, when missing (idempotent; Debian packages and npm):
#   chromium  - the real headless browser of the dashboard test
#   promtool  - checks and unit-tests the Prometheus alert rules (Debian package prometheus)
#   kubectl   - renders the Kustomize overlays (Debian package kubernetes-client)
#   python3-torch, python3-numpy - the export test loads exported weights into nanoGPT's model.py
#   podman, runc, debootstrap - scripts/images.sh builds the images on a Debian base it makes, and
#                 scripts/images-smoke.sh (launcher's ImagesSmokeIT) runs the ensemble from them
#   @asyncapi/parser - validates docs/asyncapi.yaml (npm, pinned in tools/asyncapi/package-lock.json)
#   gcc       - lm's build compiles the MKL dispatch shim (lm/src/main/c) with cc; most machines have it
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
/usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1 || need+=(python3-torch python3-numpy)
command -v podman >/dev/null 2>&1 || need+=(podman)
command -v runc >/dev/null 2>&1 || need+=(runc)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
command -v "${CC:-cc}" >/dev/null 2>&1 || need+=(gcc)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} from Debian"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ! -d tools/asyncapi/node_modules/@asyncapi/parser ]; then
  echo "installing the AsyncAPI parser (npm ci)"
  (cd tools/asyncapi && npm ci --silent --no-audit --no-fund)
fi
