#!/usr/bin/env bash
# The long chaos soak: tiny runs back to back (default 100) while random components (the four
# services and the Kafka broker) are SIGKILLed at random moments and the launcher's supervisor
# brings them back. Prints, per run, how it ended, and at the end the figures: runs, kills by
# component, stuck runs, failed runs, runs whose losses differ from an uninterrupted run, step
# reports lost, time to recover. Exits 1 unless every one of those that must be 0 is 0.
#   scripts/chaos-soak.sh [RUNS] [KILLS] [SEED]      (KILLS defaults to RUNS)
# Needs a build first: mvn -DskipTests install. The short version runs in the test suite (ChaosSoakTest).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100}
kills=${2:-$runs}
seed=${3:-$RANDOM}
[ -f launcher/target/launcher.jar ] || { echo "build first: mvn -DskipTests install" >&2; exit 2; }
workdir=$(mktemp -d "${TMPDIR:-/tmp}/chaos-soak-XXXXXX")
echo "logs of every process: $workdir/logs"
exec java -cp launcher/target/launcher.jar org.overfitguard.launcher.ChaosSoak \
  --runs "$runs" --kills "$kills" --seed "$seed" --workdir "$workdir"
