#!/usr/bin/env bash
# ASHA replayed offline on sweeps that ran every trial to its end (no training; seconds): for each
# first rung and eta, how often a sweep of N trials drawn from their pooled curves finds a recipe
# within the tolerance of the exhaustive best, and the steps it spends, beside random search at
# equal steps. The replay uses the tuner's own rule (evaluator-service's AshaPromotion, synchronous
# rungs) and cuts each curve where the tuning file's early stopping fires; replayed on one sweep it
# trains every trial to exactly the step the live ASHA sweep did (SynchronousReplayTest).
#   scripts/tuning-replay.sh TUNING.yaml CURVES.csv [CURVES.csv ...] [-- --min-budgets 90,180 --etas 2,3 --trials 27 --draws 2000 --tolerance 0.01]
# CURVES: the *-curves.csv beside a sweep report (./ensemble --tune with scheduler random or grid,
# or the *-exhaustive-curves.csv of scripts/tuning-benchmark.sh). Needs a build: mvn -DskipTests install.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n '2,11p' "$0" >&2; exit 2; }
args=(--tune "$1"); shift
while [ $# -gt 0 ] && [ "$1" != "--" ]; do args+=(--curves "$1"); shift; done
[ $# -gt 0 ] && shift
args+=("$@")
# -q: only the tables and, when something fails, Maven's [ERROR] lines (paths must not contain spaces)
mvn -B -q -pl evaluator-service test-compile exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=org.overfitguard.evaluator.policy.replay.AshaReplayBenchmark -Dexec.args="${args[*]}" | sed 's/\x1b\[[0-9;]*m//g' | grep -v '^SLF4J'

