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
#   a Python virtual environment with pip's torch, transformers, safetensors, numpy and tensorboard
#             (the reference implementations that read our exports), under ~/.cache/overfit-guard/test-venv
#             or $OVERFITGUARD_TEST_VENV; never the system Python's site-packages
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

venv=${OVERFITGUARD_TEST_VENV:-$HOME/.cache/overfit-guard/test-venv}
if ! "$venv/bin/python" -c 'import torch, transformers, safetensors, numpy, tensorboard' >/dev/null 2>&1; then
  echo "installing torch, transformers, safetensors, numpy and tensorboard into $venv (pip)"
  # --retries 0: a machine without PyPI falls through to its configured mirror at once
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install -q --retries 0 --timeout 10 "torch==2.13.0+cpu" "transformers==5.18.0" \
      "safetensors==0.8.0" numpy tensorboard; }; then
    echo "pip could not install them: the tests that need them (TransformersRoundTripTest) skip and say so" >&2
  fi
fi
