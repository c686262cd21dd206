#!/usr/bin/env bash
# Every benchmark, one after the other on an otherwise idle machine (they print figures; nothing is
# asserted). Needs a build first: mvn -DskipTests install. Figures go into docs/benchmarks.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
# as the services run: MKL's kernels chosen by the CPU's features (lm/src/main/c; the JVMs exec:java starts inherit it)
shim=$PWD/lm/target/native/libmkl-feature-dispatch.so
[ -f "$shim" ] || { echo "$shim is missing: mvn -DskipTests install builds it" >&2; exit 2; }
export LD_PRELOAD=$shim
run() { mvn -q -pl "$1" test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass="$2" ${3:+-Dexec.args="$3"} 2>/dev/null \
        | grep -vE '^\[|^SLF4J|^\s' ; }

echo "== trainer: in-memory vs Kafka-fed (default model)"
trainer=$(run trainer-service org.overfitguard.trainer.training.TrainerThroughputBenchmark)
echo "$trainer"
rate=$(echo "$trainer" | sed -n 's/.*in memory \([0-9]*\) tok\/s, through.*ratio.*/\1/p')

echo "== data-service: augmented tokens/s on one core vs the trainer's rate"
run data-service org.overfitguard.data.dataset.AugmentationThroughputBenchmark "$rate"

echo "== evaluator: held-out tokens/s"
run evaluator-service org.overfitguard.evaluator.evaluate.EvaluationThroughputBenchmark

echo "== the ensemble: the default run end to end"
MAVEN_OPTS="-Doverfitguard.repo=$PWD" run launcher org.overfitguard.launcher.EnsembleBenchmark

echo "== trainer against nanoGPT: same model, batch, block and threads (runs ../shared/peer/nanogpt-bench.sh)"
scripts/speed-vs-nanogpt.sh 3 "1 2"

echo "== where one step's time goes (nanoGPT's CPU model, one thread; phases and the PyTorch profiler)"
MALLOC_MMAP_THRESHOLD_=4194304 MALLOC_TRIM_THRESHOLD_=67108864 \
  MAVEN_OPTS="-Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1" \
  run lm org.overfitguard.lm.StepProfileBenchmark docs/specs/nanogpt-cpu-bench.yaml

echo "== how cost grows: width 128/256/512 x layers 2/4/8 x block 64/256, ours and nanoGPT's (one thread, about 15 minutes)"
scripts/cost-growth.sh 1
