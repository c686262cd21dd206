#!/usr/bin/env bash
# nanoGPT's held-out curve on its overfitting slice of Tiny Shakespeare, measured on the whole
# held-out split as our evaluator measures ours (docs/ablation.md, "Against nanoGPT on its own split").
#
#   scripts/nanogpt-slice-curve.sh [nanoGPT flags...]     e.g. --weight_decay=0.0   or   --dropout=0.2
#
# Runs ../shared/peer/nanogpt-bench.sh slice with the peer README's slice flags (4 layers, 4 heads,
# 256 wide, 3,000 iterations, an eval every 100) plus the given ones, keeps the checkpoint of every
# eval (always_save_checkpoint, each copied as it is written), then scores each on the whole split
# (scripts/nanogpt-whole-split.py: those near the lowest estimate, and the last). Prints nanoGPT's own
# log and one line per scored checkpoint. About 20 minutes on two cores. Needs inotifywait (Debian
# inotify-tools).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
peer="$here/../shared/peer"
corpus="$here/../shared/data/tinyshakespeare/input.txt"
command -v inotifywait >/dev/null || { echo "needs inotifywait (apt-get install inotify-tools)" >&2; exit 2; }

work=$(mktemp -d)
trap 'kill "${inotify:-}" "${copier:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
kept=${KEEP_CHECKPOINTS:-$work/kept} # KEEP_CHECKPOINTS=DIR (new or empty) keeps them, about 38 MB each
mkdir -p "$work/out" "$kept"
# nanoGPT rewrites out/ckpt.pt at every eval; a copy per write keeps the whole curve. The next write
# comes 100 iterations (tens of seconds) later, so a copy made on close_write is complete
# (line-buffered: inotifywait holds its events in a buffer when writing to a pipe).
mkfifo "$work/events"
stdbuf -oL inotifywait -m -e close_write --format '%f' "$work/out" >"$work/events" 2>"$work/watch.log" &
inotify=$!
while read -r f; do
  [ "$f" = ckpt.pt ] && cp "$work/out/ckpt.pt" "$kept/ckpt-$(date +%s%N).pt"
done <"$work/events" &
copier=$!
until grep -q "Watches established" "$work/watch.log" 2>/dev/null; do sleep 0.1; done

"$peer/nanogpt-bench.sh" slice --n_embd=256 --max_iters=3000 --lr_decay_iters=3000 --eval_interval=100 --eval_iters=50 \
    --always_save_checkpoint=True "$@" --out_dir="$work/out"
kill "$inotify"; wait "$copier" || true
last=$(ls "$kept" | tail -1)
if [ -z "$last" ] || ! cmp -s "$work/out/ckpt.pt" "$kept/$last"; then
  cp "$work/out/ckpt.pt" "$kept/ckpt-$(date +%s%N).pt"
fi
echo "== nanoGPT's checkpoints on the whole held-out split"
/usr/bin/python3 "$here/scripts/nanogpt-whole-split.py" "$peer/nanogpt" "$corpus" "$kept"/ckpt-*.pt
