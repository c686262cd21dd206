"""Logits of an exported model computed outside this project, for ModelExportTest.

    exported_logits.py EXPORT_DIR IDS README [NANOGPT_DIR]

Prints one line per reference, "<name>=<JSON (1, T, V) logits>":
  spec      - GPT-2's forward written here from the architecture, reading model.safetensors by hand
              (u64 header length, JSON header, raw little-endian tensors) and using the stored
              (in, out) Conv1D matrices as they are;
  nanogpt   - nanoGPT's own GPT (model.py in NANOGPT_DIR), loaded by the snippet the README shows
              under "Load it elsewhere" (executed from README, so the documented code is the tested code).
"""
import json
import math
import os
import re
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

export_dir, ids_csv, readme = sys.argv[1:4]
nanogpt_dir = sys.argv[4] if len(sys.argv) > 4 else ""
ids = torch.tensor([[int(x) for x in ids_csv.split(",")]], dtype=torch.long)
torch.set_grad_enabled(False)


def read_safetensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    assert (8 + n) % 8 == 0, "data buffer not 8-aligned"
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        assert e["dtype"] == "F32", e
        b, end = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(raw[8 + n + b:8 + n + end], dtype="<f4").copy().reshape(e["shape"]))
    return out


def spec_forward(cfg, t, idx):
    c, h, T = cfg["n_embd"], cfg["n_head"], idx.shape[1]
    eps = cfg["layer_norm_epsilon"]

    def ln(x, p):
        return F.layer_norm(x, (c,), t[p + ".weight"], t[p + ".bias"], eps)

    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
    x = t["transformer.wte.weight"][idx] + t["transformer.wpe.weight"][:T]
    for i in range(cfg["n_layer"]):
        p = f"transformer.h.{i}."
        qkv = ln(x, p + "ln_1") @ t[p + "attn.c_attn.weight"] + t[p + "attn.c_attn.bias"]  # Conv1D: x @ W(in, out)
        q, k, v = (z.view(1, T, h, c // h).transpose(1, 2) for z in qkv.split(c, dim=2))
        a = ((q @ k.transpose(-2, -1)) / math.sqrt(c // h)).masked_fill(~causal, float("-inf")).softmax(-1)
        y = (a @ v).transpose(1, 2).reshape(1, T, c)
        x = x + y @ t[p + "attn.c_proj.weight"] + t[p + "attn.c_proj.bias"]
        m = F.gelu(ln(x, p + "ln_2") @ t[p + "mlp.c_fc.weight"] + t[p + "mlp.c_fc.bias"])
        x = x + m @ t[p + "mlp.c_proj.weight"] + t[p + "mlp.c_proj.bias"]
    x = ln(x, "transformer.ln_f")
    return x @ t.get("lm_head.weight", t["transformer.wte.weight"]).T


cfg = json.load(open(os.path.join(export_dir, "config.json")))
print("spec=" + json.dumps(spec_forward(cfg, read_safetensors(os.path.join(export_dir, "model.safetensors")), ids).tolist()))

if nanogpt_dir and os.path.isfile(os.path.join(nanogpt_dir, "model.py")):
    snippet = re.search(r"<!-- load-exported -->\s*```python\n(.*?)```", open(readme, encoding="utf-8").read(), re.S)
    assert snippet, "README has no python block after <!-- load-exported -->"
    sys.path.insert(0, nanogpt_dir)
    scope = {}
    stdout = sys.stdout
    sys.stdout = sys.stderr  # nanoGPT prints its parameter count
    exec(snippet.group(1), scope)
    model = scope["load_exported"](export_dir)
    logits, _ = model(ids, ids)  # with targets nanoGPT returns the logits of every position
    sys.stdout = stdout
    print("nanogpt=" + json.dumps(logits.tolist()))
