#!/usr/bin/env bash
# How a training step's cost grows with the model, ours and nanoGPT's side by side in one run:
# width 128/256/512 x layers 2/4/8 x block 64/256 (4 heads, batch 12, vocabulary 64, tied embeddings,
# AdamW, clipping at 1: nanoGPT's README CPU model, docs/specs/nanogpt-cpu-bench.yaml, scaled). For
# each shape, our StepProfileBenchmark and the peer's ../shared/peer/nanogpt-bench.sh speed, one after
# the other, each in its own process; prints a Markdown row with tokens/s, ms per step, the process's
# peak resident memory (GNU time's maximum RSS) and the model FLOPs utilisation of each, and the ratio.
#
# MFU = (6 N + 12 L C T) FLOPs per token x tokens/s / roof, with N = 12 L C^2 + V C (the same count for
# both models: the matrix products a GPT of this shape must do; biases and norms left out), and the
# roof the faster of the two fp32 matrix-product roofs measured first on this machine: libtorch's
# (MatmulRoofBenchmark) and the peer's PyTorch with OpenBLAS (torch.mm), square n up to 2048. Ours runs
# as the services do: MKL's feature dispatch preloaded (lm/src/main/c), the allocator pinned.
#
#   scripts/cost-growth.sh [THREADS=1] [SECONDS_PER_SHAPE=8]
#
# The timed steps per shape are chosen so that each side spends about SECONDS_PER_SHAPE (10 to 100
# steps); about 15 minutes in all on one thread. Needs a build (mvn -DskipTests install), GNU time
# (/usr/bin/time) and the peer (it installs Debian's PyTorch on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-1}
seconds=${2:-8}
peer=../shared/peer/nanogpt-bench.sh
[ -x "$peer" ] || { echo "the peer is not at $peer" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time is not installed (Debian package time)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd lm && mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$work/cp" -Dmdep.includeScope=test >/dev/null)
classpath="lm/target/classes:lm/target/test-classes:$(cat "$work/cp")"
shim=$PWD/lm/target/native/libmkl-feature-dispatch.so
[ -f "$shim" ] || { echo "$shim is missing: mvn -DskipTests install builds it" >&2; exit 2; }
ours() {
  LD_PRELOAD=$shim MALLOC_MMAP_THRESHOLD_=4194304 MALLOC_TRIM_THRESHOLD_=67108864 java -Dai.djl.offline=true \
    -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 -cp "$classpath" "$@" 2>/dev/null
}

ours_roof=$(ours org.overfitguard.lm.MatmulRoofBenchmark | sed -n 's/^matmul roof.*: \([0-9.]*\) GFLOP\/s.*/\1/p')
env -u LD_PRELOAD "$peer" speed 1 6 >/dev/null 2>&1 || true # installs the peer's PyTorch when missing
peer_roof=$(env -u LD_PRELOAD OMP_NUM_THREADS=$threads /usr/bin/python3 - "$threads" <<'PY'
import sys, time, torch
torch.set_num_threads(int(sys.argv[1]))
best = 0.0
for n in (256, 512, 1024, 2048):
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    for _ in range(5):
        t0 = time.perf_counter(); a @ b; dt = time.perf_counter() - t0
        best = max(best, 2 * n ** 3 / dt / 1e9)
print(f"{best:.1f}")
PY
)
roof=$(awk -v a="$ours_roof" -v b="$peer_roof" 'BEGIN {print (a > b) ? a : b}')
echo "threads $threads; fp32 matmul roof: libtorch $ours_roof GFLOP/s, the peer's PyTorch + OpenBLAS $peer_roof GFLOP/s; MFU against $roof"
echo
echo "| width | layers | block | model GFLOP/step | ours tokens/s | ours ms/step | ours peak RSS | ours MFU | nanoGPT tokens/s | nanoGPT ms/step | nanoGPT peak RSS | nanoGPT MFU | ours / nanoGPT |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for width in 128 256 512; do
  for layers in 2 4 8; do
    for block in 64 256; do
      flops=$(awk -v c="$width" -v l="$layers" -v t="$block" 'BEGIN {n = 12 * l * c * c + 64 * c; print 6 * n + 12 * l * c * t}')
      tokens=$((12 * block))
      steps=$(awk -v f="$flops" -v k="$tokens" -v r="$roof" -v s="$seconds" \
        'BEGIN {est = f * k / (r * 0.5e9); n = int(s / est); print (n < 10) ? 10 : (n > 100) ? 100 : n}')
      sed "s/^model: .*/model: {layers: $layers, heads: 4, width: $width, block_size: $block}/" \
        docs/specs/nanogpt-cpu-bench.yaml > "$work/spec.yaml"
      /usr/bin/time -o "$work/ours.rss" -f %M \
        env LD_PRELOAD="$shim" MALLOC_MMAP_THRESHOLD_=4194304 MALLOC_TRIM_THRESHOLD_=67108864 java -Dai.djl.offline=true \
        -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 -cp "$classpath" \
        org.overfitguard.lm.StepProfileBenchmark "$work/spec.yaml" --no-profile --warmup 3 --steps "$steps" \
        2>/dev/null > "$work/ours.out"
      ours_ms=$(sed -n 's/.*: \([0-9.]*\) ms\/step, .*/\1/p' "$work/ours.out")
      /usr/bin/time -o "$work/peer.rss" -f %M env -u LD_PRELOAD "$peer" speed "$threads" $((steps + 5)) \
        --n_embd="$width" --n_layer="$layers" --block_size="$block" 2>/dev/null > "$work/peer.out"
      peer_ms=$(sed -n 's/.*median \([0-9.]*\) ms\/iter.*/\1/p' "$work/peer.out")
      awk -v c="$width" -v l="$layers" -v t="$block" -v f="$flops" -v k="$tokens" -v r="$roof" \
          -v om="$ours_ms" -v pm="$peer_ms" -v orss="$(tail -n1 "$work/ours.rss")" -v prss="$(tail -n1 "$work/peer.rss")" 'BEGIN {
        ot = k / om * 1000; pt = k / pm * 1000
        printf "| %d | %d | %d | %.2f | %.0f | %.1f | %.0f MiB | %.0f %% | %.0f | %.1f | %.0f MiB | %.0f %% | %.2f |\n",
          c, l, t, f * k / 1e9, ot, om, orss / 1024, 100 * f * ot / (r * 1e9), pt, pm, prss / 1024, 100 * f * pt / (r * 1e9), ot / pt
      }'
    done
  done
done
