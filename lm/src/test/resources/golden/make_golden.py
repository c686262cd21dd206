#!/usr/bin/env python3
"""Reference values for GoldenValuesTest: the model's blocks written out in numpy, float64, from the
equations (not from our code, not from DJL). Run once; the JSON beside this file is its output:

    python3 lm/src/test/resources/golden/make_golden.py > lm/src/test/resources/golden/golden.json

Parameters and inputs are float32 values (what the Java side holds), the arithmetic is float64.
Names are the model's parameter names without DJL's child-number prefixes (02h0_01ln1_gamma -> h0_ln1_gamma).
Shapes: B batch, T time, C channels, H heads, D = C / H, V vocabulary; Linear weights are (out, in).
"""
import json
import math

import numpy as np

B, T, C, H, V, LAYERS = 2, 5, 8, 2, 11, 2
EPS = 1e-5
rng = np.random.default_rng(20261202)


def f32(shape, scale=0.3, mean=0.0):
    return (mean + scale * rng.standard_normal(shape)).astype(np.float32)


def linear(x, w, b=None):          # x (..., in), w (out, in), b (out)
    y = x @ w.astype(np.float64).T
    return y if b is None else y + b


def layer_norm(x, g, b):           # over channels, biased variance
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + EPS) * g + b


def rms_norm(x, g):
    return x / np.sqrt((x ** 2).mean(-1, keepdims=True) + EPS) * g


def gelu(x):                       # exact, erf form
    return 0.5 * x * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))


def softmax(s):
    e = np.exp(s - s.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def attention(x, p, prefix=""):    # x (B, T, C)
    b, t, c = x.shape
    d = c // H
    q, k, v = np.split(linear(x, p[prefix + "qkv_weight"], p[prefix + "qkv_bias"]), 3, axis=-1)
    q, k, v = (a.reshape(b, t, H, d).transpose(0, 2, 1, 3) for a in (q, k, v))  # (B, H, T, D)
    scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(d)                          # (B, H, T, T)
    scores = np.where(np.triu(np.ones((t, t), dtype=bool), 1), -np.inf, scores)  # no looking ahead
    y = (softmax(scores) @ v).transpose(0, 2, 1, 3).reshape(b, t, c)             # (B, T, C)
    return linear(y, p[prefix + "proj_weight"], p[prefix + "proj_bias"])


def mlp(x, p, prefix=""):
    h = gelu(linear(x, p[prefix + "fc_weight"], p[prefix + "fc_bias"]))         # (B, T, 4C)
    return linear(h, p[prefix + "proj_weight"], p[prefix + "proj_bias"])


def norm(x, p, name, kind):
    return rms_norm(x, p[name + "_gamma"]) if kind == "rmsnorm" else layer_norm(x, p[name + "_gamma"], p[name + "_beta"])


def block(x, p, placement, kind, prefix=""):
    def n(name, y):
        return norm(y, p, prefix + name, kind)
    a = lambda y: attention(y, p, prefix + "attn_")
    m = lambda y: mlp(y, p, prefix + "mlp_")
    if placement == "pre":                                  # x + f(n(x))
        x = x + a(n("ln1", x))
        return x + m(n("ln2", x))
    x = n("ln1", x + a(x))                                  # post: n(x + f(x))
    return n("ln2", x + m(x))


def attention_params(prefix=""):
    return {prefix + "qkv_weight": f32((3 * C, C)), prefix + "qkv_bias": f32((3 * C,), 0.1),
            prefix + "proj_weight": f32((C, C)), prefix + "proj_bias": f32((C,), 0.1)}


def mlp_params(prefix=""):
    return {prefix + "fc_weight": f32((4 * C, C)), prefix + "fc_bias": f32((4 * C,), 0.1),
            prefix + "proj_weight": f32((C, 4 * C)), prefix + "proj_bias": f32((C,), 0.1)}


def norm_params(name, kind):
    p = {name + "_gamma": f32((C,), 0.2, 1.0)}
    if kind == "layernorm":
        p[name + "_beta"] = f32((C,), 0.1)
    return p


def block_params(kind, prefix=""):
    p = norm_params(prefix + "ln1", kind)
    p.update(attention_params(prefix + "attn_"))
    p.update(norm_params(prefix + "ln2", kind))
    p.update(mlp_params(prefix + "mlp_"))
    return p


def model(ids, p, placement, kind, tied):
    x = p["wte"].astype(np.float64)[ids] + p["wpe"][: ids.shape[1]]            # (B, T, C)
    for i in range(LAYERS):
        x = block(x, p, placement, kind, "h%d_" % i)
    x = norm(x, p, "lnF", kind)
    return linear(x, p["wte"] if tied else p["head_weight"])                    # (B, T, V)


def model_params(kind, tied):
    p = {"wte": f32((V, C)), "wpe": f32((T, C))}
    for i in range(LAYERS):
        p.update(block_params(kind, "h%d_" % i))
    p.update(norm_params("lnF", kind))
    if not tied:
        p["head_weight"] = f32((V, C))
    return p


def tensor(a):
    return {"shape": list(a.shape), "data": [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]}


cases = {}
x = f32((B, T, C), 1.0)
p = attention_params()
cases["attention"] = {"params": p, "input": x, "output": attention(x.astype(np.float64), p)}
p = mlp_params()
cases["mlp"] = {"params": p, "input": x, "output": mlp(x.astype(np.float64), p)}
for placement, kind in (("pre", "layernorm"), ("post", "layernorm"), ("pre", "rmsnorm")):
    p = block_params(kind)
    cases["block_%s_%s" % (placement, kind)] = {"placement": placement, "norm_kind": kind, "params": p, "input": x,
                                                "output": block(x.astype(np.float64), p, placement, kind)}
ids = rng.integers(0, V, size=(B, T))
for placement, kind, tied in (("pre", "layernorm", True), ("post", "layernorm", False), ("pre", "rmsnorm", True)):
    p = model_params(kind, tied)
    cases["model_%s_%s_%s" % (placement, kind, "tied" if tied else "untied")] = {
        "placement": placement, "norm_kind": kind, "tied": tied, "layers": LAYERS, "params": p,
        "ids": [[int(v) for v in row] for row in ids], "output": model(ids, p, placement, kind, tied)}

out = {"generator": "make_golden.py (numpy %s, float64)" % np.__version__,
       "dims": {"B": B, "T": T, "C": C, "H": H, "V": V}, "cases": {}}
for name, case in cases.items():
    c = {k: v for k, v in case.items() if k not in ("params", "input", "output")}
    c["params"] = {k: tensor(v) for k, v in case["params"].items()}
    if "input" in case:
        c["input"] = tensor(case["input"])
    c["output"] = tensor(case["output"])
    out["cases"][name] = c
print(json.dumps(out, separators=(",", ":")))
