#!/usr/bin/python3
"""Scores nanoGPT checkpoints on the whole held-out split, as our evaluator scores ours.

usage: nanogpt-whole-split.py NANOGPT_DIR CORPUS CKPT...

nanoGPT's own held-out figure is an estimate: the mean over eval_iters random batches, and its
"best" is the lowest of such estimates over the run, which is biased low. This script measures
checkpoints as docs/ablation.md's rows for our trainer are measured: nanoGPT's split (the last 10%
of the characters, cut at int(0.9 n)), its vocabulary (the sorted distinct characters of the whole
text), cut into non-overlapping windows of block_size + 1 tokens, the mean cross-entropy of every
next-token prediction in them (nats per character).

A forward pass over the whole split costs tens of seconds, so not every checkpoint is scored: those
whose estimate is within MARGIN (0.05 nats, several times the 50-batch estimate's noise) of the
lowest estimate, where the best must be, and the last one. Prints one line per scored checkpoint:
iter, nanoGPT's estimate at that eval (best_val_loss in the checkpoint), whole-split loss.
"""
import sys

import torch

MARGIN = 0.05

sys.path.insert(0, sys.argv[1])
from model import GPT, GPTConfig  # noqa: E402  nanoGPT's model.py, unchanged

text = open(sys.argv[2], encoding="utf-8").read()
stoi = {c: i for i, c in enumerate(sorted(set(text)))}
held = torch.tensor([stoi[c] for c in text[int(len(text) * 0.9):]], dtype=torch.long)
torch.set_grad_enabled(False)


def load(path):
    return torch.load(path, map_location="cpu", weights_only=False)


def whole_split_loss(ckpt):
    model = GPT(GPTConfig(**ckpt["model_args"]))
    model.load_state_dict({k.removeprefix("_orig_mod."): v for k, v in ckpt["model"].items()})
    model.eval()
    window = ckpt["model_args"]["block_size"] + 1
    windows = held[: (len(held) // window) * window].view(-1, window)
    total, count = 0.0, 0
    for batch in windows.split(256):
        inputs, targets = batch[:, :-1].contiguous(), batch[:, 1:].contiguous()
        logits, _ = model(inputs, targets)  # with targets nanoGPT returns logits at every position
        total += torch.nn.functional.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1),
                                                   reduction="sum").item()
        count += targets.numel()
    return total / count


estimates = []
for path in sys.argv[3:]:
    ckpt = load(path)
    estimates.append((ckpt["iter_num"], ckpt["best_val_loss"].item(), path))
estimates.sort()
lowest = min(e[1] for e in estimates)
chosen = [e for e in estimates if e[1] <= lowest + MARGIN or e is estimates[-1]]
print(f"{len(estimates)} checkpoints, lowest estimate {lowest:.4f}; scoring {len(chosen)}"
      f" (estimate within {MARGIN} of it, and the last)", flush=True)
rows = []
for iter_num, estimate, path in chosen:
    rows.append((iter_num, estimate, whole_split_loss(load(path))))
    print(f"{iter_num:>5}  estimate {estimate:.4f}  whole split {rows[-1][2]:.4f}", flush=True)
best = min(rows, key=lambda r: r[2])
print(f"best on the whole split: {best[2]:.4f} at iter {best[0]} (estimate there {best[1]:.4f});"
      f" last: {rows[-1][2]:.4f} at iter {rows[-1][0]}")
