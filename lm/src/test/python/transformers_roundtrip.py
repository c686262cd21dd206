"""The reference implementation on our exports, and an export of its own: run by TransformersRoundTripTest.

  load DIR IDS PROMPT N     GPT2LMHeadModel.from_pretrained(DIR): prints logits=[[...]] for IDS and
                            generated=[...] for N greedy tokens after PROMPT (generate, do_sample=False)
  create DIR V T TIED IDS   a small GPT2Config (exact GELU, no dropout) with random weights, written with
                            save_pretrained(safe_serialization=True); prints its logits=[[...]] for IDS
"""
import json
import sys

import torch
from transformers import GPT2Config, GPT2LMHeadModel


def ints(s):
    return [int(x) for x in s.split(",") if x]


def logits(model, ids):
    with torch.no_grad():
        return model(torch.tensor([ids])).logits[0].tolist()


mode = sys.argv[1]
if mode == "load":
    directory, ids, prompt, n = sys.argv[2], ints(sys.argv[3]), ints(sys.argv[4]), int(sys.argv[5])
    model = GPT2LMHeadModel.from_pretrained(directory).eval()
    print("logits=" + json.dumps(logits(model, ids)))
    with torch.no_grad():
        out = model.generate(torch.tensor([prompt]), max_new_tokens=n, min_new_tokens=n, do_sample=False,
                             eos_token_id=None, pad_token_id=0, attention_mask=torch.ones(1, len(prompt), dtype=torch.long))
    print("generated=" + json.dumps(out[0].tolist()[len(prompt):]))
elif mode == "create":
    directory, v, t, tied, ids = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "true", ints(sys.argv[6])
    torch.manual_seed(7)
    config = GPT2Config(vocab_size=v, n_positions=t, n_embd=32, n_layer=2, n_head=2, activation_function="gelu",
                        resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0, tie_word_embeddings=tied)
    model = GPT2LMHeadModel(config).eval()
    with torch.no_grad():  # random LayerNorm gains and biases too, so that every tensor is checked
        for name, p in model.named_parameters():
            if name.endswith("bias") or ".ln_" in name:
                p.add_(torch.randn_like(p) * 0.1)
    model.save_pretrained(directory, safe_serialization=True)
    print("logits=" + json.dumps(logits(model, ids)))
else:
    sys.exit("mode is load or create, was " + mode)
