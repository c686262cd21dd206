#!/usr/bin/env bash
# ASHA against the same trials run to completion, side by side in one ensemble of real processes per
# corpus: the 27 trials of a tuning file under scheduler random (every trial to its own end), then
# the same trials under each ASHA form. Prints, per form, the best held-out loss and the training
# steps each spent, and writes the sweep reports (Markdown + PNG + CSV of every evaluation; the ASHA
# ones mark each pruned trial's pruning point) under OUT.
#   scripts/tuning-benchmark.sh [overfit|short] [OUT] [--seed N] [--confirm-seeds N]   (default overfit, .ensemble/tuning-benchmark;
#     --seed N: another draw of the 27 trials, the sampler seed of every file replaced by N;
#     --confirm-seeds N: each sweep's pick trained again on run seeds 1..N and compared seed by seed)
#     overfit  trials that run until they overfit and stop early (docs/tuning/bench-*-overfit*.yaml):
#              synthetic and Shakespeare, each with ASHA's synchronous promotion form, its stopping
#              form and the paper's asynchronous promotion form (first rung 180), the synchronous
#              form with its first rung at 90, and one rung at 300 with eta 6; about 40 minutes on 2 cores
#     short    the 810-step files where every trial is still improving at its end
#              (docs/tuning/bench-*-promotion.yaml); about 13 minutes
# Needs a build first: mvn -DskipTests install. The Shakespeare files read ../shared/data/tinyshakespeare.
set -euo pipefail
cd "$(dirname "$0")/.."
set_name=${1:-overfit}
out=${2:-.ensemble/tuning-benchmark}
shift $(( $# < 2 ? $# : 2 ))
extra=("$@")
[ -f launcher/target/launcher.jar ] || { echo "build first: mvn -DskipTests install" >&2; exit 2; }
bench() { java -cp launcher/target/launcher.jar org.overfitguard.launcher.TuningBenchmark --out "$out" --trainers 2 "${extra[@]}" "$@"; }
case "$set_name" in
  overfit)
    for corpus in synthetic shakespeare; do
      data=()
      [ "$corpus" = shakespeare ] && data=(--data-root ../shared/data/tinyshakespeare)
      bench "${data[@]}" --tune "docs/tuning/bench-$corpus-overfit.yaml" --tune "docs/tuning/bench-$corpus-overfit-stopping.yaml" \
        --tune "docs/tuning/bench-$corpus-overfit-async.yaml" --tune "docs/tuning/bench-$corpus-overfit-rung90.yaml" \
        --tune "docs/tuning/bench-$corpus-overfit-eta6.yaml"
    done ;;
  short)
    bench --tune docs/tuning/bench-synthetic-promotion.yaml
    bench --tune docs/tuning/bench-shakespeare-promotion.yaml --data-root ../shared/data/tinyshakespeare ;;
  *) echo "usage: scripts/tuning-benchmark.sh [overfit|short] [OUT]" >&2; exit 2 ;;
esac
