#!/usr/bin/env bash
# Our trainer against nanoGPT on the same model, batch, block size and thread count, side by side in
# one run: for each thread count, ROUNDS alternating rounds of our StepProfileBenchmark (150 timed
# steps after 20 warm-up, in memory, glibc's allocator pinned as the services run) and the peer's
# ../shared/peer/nanogpt-bench.sh speed (200 iterations, median after the 5th); prints every round,
# the medians and the ratio. Model: nanoGPT's README CPU model (docs/specs/nanogpt-cpu-bench.yaml).
# Ours runs as the services do, with MKL's feature dispatch preloaded (lm/src/main/c), and again
# without it ("generic": MKL's vendor-gated path, what a non-Intel CPU gets by default).
#   scripts/speed-vs-nanogpt.sh [ROUNDS=3] [THREADS="1 2"]
# Needs a build (mvn -DskipTests install) and the peer (it installs Debian's PyTorch on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
threads_list=${2:-"1 2"}
peer=../shared/peer/nanogpt-bench.sh
[ -x "$peer" ] || { echo "the peer is not at $peer" >&2; exit 2; }
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
(cd lm && mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >/dev/null)
classpath="lm/target/classes:lm/target/test-classes:$(cat "$cp_file")"
shim=$PWD/lm/target/native/libmkl-feature-dispatch.so
[ -f "$shim" ] || { echo "$shim is missing: mvn -DskipTests install builds it" >&2; exit 2; }
ours_rate() { # $1: LD_PRELOAD value, $2: threads
  LD_PRELOAD=$1 MALLOC_MMAP_THRESHOLD_=4194304 MALLOC_TRIM_THRESHOLD_=67108864 java -Dai.djl.offline=true \
      -Dai.djl.pytorch.num_threads="$2" -Dai.djl.pytorch.num_interop_threads=1 -cp "$classpath" \
      org.overfitguard.lm.StepProfileBenchmark docs/specs/nanogpt-cpu-bench.yaml --no-profile 2>/dev/null \
    | sed -n 's/.* \([0-9]*\) tokens\/s$/\1/p'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

for threads in $threads_list; do
  ours=(); generic=(); theirs=()
  for round in $(seq "$rounds"); do
    o=$(ours_rate "$shim" "$threads")
    g=$(ours_rate "" "$threads")
    t=$(env -u LD_PRELOAD "$peer" speed "$threads" 200 2>/dev/null | sed -n 's/.* = \([0-9]*\) tokens\/s$/\1/p')
    echo "threads $threads round $round: ours $o tokens/s (generic MKL path $g), nanoGPT $t tokens/s"
    ours+=("$o"); generic+=("$g"); theirs+=("$t")
  done
  mo=$(printf '%s\n' "${ours[@]}" | median)
  mg=$(printf '%s\n' "${generic[@]}" | median)
  mt=$(printf '%s\n' "${theirs[@]}" | median)
  awk -v o="$mo" -v g="$mg" -v t="$mt" -v n="$threads" -v r="$rounds" \
    'BEGIN {printf "threads %s: ours %.0f tokens/s, nanoGPT %.0f tokens/s, ratio %.2f (generic MKL path %.0f tokens/s, %.2f; medians of %s rounds)\n", n, o, t, o / t, g, g / t, r}'
done
