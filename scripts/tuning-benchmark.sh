#!/usr/bin/env bash
# ASHA against the same trials run to completion, side by side in one ensemble of real processes:
# each tuning file's 27 trials under scheduler random (every trial to its end), then under asha
# (its promotion form with synchronous rungs; the stopping-form files, docs/tuning/bench-synthetic.yaml
# and bench-shakespeare.yaml, run the same way with TuningBenchmark --tune FILE).
# Prints, per file, the best held-out loss and the training steps each spent, and writes both sweep
# reports (Markdown + PNG; the ASHA one marks each pruned trial's pruning point) under OUT.
#   scripts/tuning-benchmark.sh [OUT]      (default .ensemble/tuning-benchmark; about 15 minutes on 2 cores)
# Needs a build first: mvn -DskipTests install. The Shakespeare file reads ../shared/data/tinyshakespeare.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.ensemble/tuning-benchmark}
[ -f launcher/target/launcher.jar ] || { echo "build first: mvn -DskipTests install" >&2; exit 2; }
java -cp launcher/target/launcher.jar org.overfitguard.launcher.TuningBenchmark \
  --tune docs/tuning/bench-synthetic-promotion.yaml --out "$out" --trainers 2
java -cp launcher/target/launcher.jar org.overfitguard.launcher.TuningBenchmark \
  --tune docs/tuning/bench-shakespeare-promotion.yaml --data-root ../shared/data/tinyshakespeare --out "$out" --trainers 2
