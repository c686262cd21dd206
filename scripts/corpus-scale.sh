#!/usr/bin/env bash
# Data at scale, measured: synthetic-grammar corpora of 10 MB, 100 MB, 1 GB and 2 GB (text), and 2 GB as
# jsonl; each tokenized cold into an empty corpus store, then opened warm (a new store object, as after
# a restart), by data-service's own code in a JVM with a 512 MiB heap (CorpusScaleBenchmark): tokenize
# MB/s, time to the first batch cold and warm, store size, batches/s at the default run's shape and at
# nanoGPT's README CPU model's, peak heap and peak resident set. Beside it, nanoGPT's own preparation
# (data/shakespeare_char/prepare.py, unchanged: read, encode, write uint16 .bin) on the same text
# (up to PEER_MAX, default 1100M: it holds the whole text and a Python list of every id, about 12 bytes
# of memory per character).
#
#   scripts/corpus-scale.sh [OUT] [SIZE ...]       (default OUT target/corpus-scale, sizes 10M 100M 1G 2G)
#   GPT2=1 also tokenizes the largest text corpus with gpt2; corpora are kept in OUT/corpora for reruns.
# Needs a build first: mvn -DskipTests install.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/corpus-scale}; shift || true
sizes=("${@:-10M 100M 1G 2G}"); sizes=(${sizes[@]})
mkdir -p "$out/corpora"
cp_file="$(realpath "$out")/classpath"
(cd data-service && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >/dev/null)
cp="data-service/target/test-classes:data-service/target/classes:$(cat "$cp_file")"
java_run() { java -Xmx512m -cp "$cp" "$@" 2>/dev/null | grep -v ' INFO ' ; }
peer=../shared/peer/nanogpt/data/shakespeare_char/prepare.py
to_bytes() { case $1 in *G) echo $(( ${1%G} << 30 ));; *M) echo $(( ${1%M} << 20 ));; *) echo "$1";; esac; }

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs) (family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs)," \
     "model $(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | xargs)), $(nproc) cores; $(java -version 2>&1 | head -1)"
for size in "${sizes[@]}"; do
  f="$out/corpora/synthetic-$size.txt"
  [ -f "$f" ] || java_run org.overfitguard.data.bench.CorpusMaker "$f" "$size" text
done
largest=${sizes[${#sizes[@]}-1]}
j="$out/corpora/synthetic-$largest.jsonl"
[ -f "$j" ] || java_run org.overfitguard.data.bench.CorpusMaker "$j" "$largest" jsonl

bench() { # PATH FORMAT TOKENIZER
  rm -rf "$out/store"
  java_run org.overfitguard.data.bench.CorpusScaleBenchmark "$out/corpora" "$1" "$out/store" "$2" "$3"
}
for size in "${sizes[@]}"; do
  bench "synthetic-$size.txt" text char
done
bench "synthetic-$largest.jsonl" jsonl char
if [ "${GPT2:-0}" = 1 ]; then bench "synthetic-$largest.txt" text gpt2; fi
rm -rf "$out/store"

echo "== nanoGPT's prepare.py (shakespeare_char: whole text in memory, a Python list of ids, np.uint16 .bin) on the same files"
limit=$(to_bytes "${PEER_MAX:-1100M}")
for size in "${sizes[@]}"; do
  f="$out/corpora/synthetic-$size.txt"
  [ "$(stat -c %s "$f")" -le "$limit" ] || { echo "peer	synthetic-$size.txt	skipped (over PEER_MAX)"; continue; }
  work=$(mktemp -d); cp "$peer" "$work/"; ln -s "$(realpath "$f")" "$work/input.txt"
  t=$( { /usr/bin/time -f '%e %M' /usr/bin/python3 "$work/prepare.py" >/dev/null; } 2>&1 | tail -1 )
  echo "peer	synthetic-$size.txt	bytes $(stat -c %s "$f")	seconds ${t% *}	MB_per_s $(awk -v b="$(stat -c %s "$f")" -v s="${t% *}" 'BEGIN{printf "%.1f", b/1e6/s}')	peak_rss_MiB $(( ${t#* } / 1024 ))"
  rm -rf "$work"
done
