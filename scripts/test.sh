#!/usr/bin/env bash
# Every test of the project: installs the test tools when missing (chromium, promtool, kubectl, the
# AsyncAPI parser), validates docs/asyncapi.yaml with the official parser, then runs the whole Maven
# build with its tests (unit, @QuarkusTest on the embedded broker, browser, promtool, kustomize,
# end-to-end with real processes). Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-tools.sh
echo "validating docs/asyncapi.yaml with @asyncapi/parser"
node tools/asyncapi/validate.mjs
mvn -B verify "$@"
