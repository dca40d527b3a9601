#!/usr/bin/python3
"""Writes tiny LLaMA-architecture GGUF models with upstream's writer (gguf-py's GGUFWriter): standard llama metadata
keys and tensor names, seeded random weights, in F32, F16 and Q8_0 (2-D weights; norms stay F32 as llama.cpp's
converter keeps them). Beside each NAME.gguf:

  NAME.logits.f32   the reference logits, little-endian float32, row-major [len(tokens), vocab]
  NAME.llama.json   {"tokens", "shape", "prompt", "greedy", "minGreedyMargin", "config", "rope"}

The reference is a NumPy forward pass in float64, written here from the GGUF spec and llama.cpp's conventions, over
the values read back from the written file with gguf-py's GGUFReader (Q8_0 dequantized by gguf-py), so it uses
exactly the file's bytes. Conventions (llama.cpp's reading of a llama GGUF):
  - dims are innermost-first in the file (ne[0]); numpy shapes here are outermost-first, so a projection weight is
    (out, in) and y = W @ x (ggml_mul_mat); token_embd.weight is (vocab, dim), a row per token
  - RMSNorm: x / sqrt(mean(x^2) + eps) * weight
  - attention heads are consecutive slices of head_dim in q/k/v; query head h reads kv head h // (heads / kv heads)
  - RoPE: arch llama uses ggml's NORMAL mode (LLAMA_ROPE_TYPE_NORM), on the weights as stored: adjacent pairs
    (x[2i], x[2i+1]) of each head rotate by pos * freq_base^(-2i / rope_dim) (llama.cpp's HF converter permutes
    q/k rows so HF's half-split "NeoX" rotation becomes this; our weights are written directly, nothing permuted)
  - scores scaled by 1/sqrt(head_dim), causal mask, softmax; FFN = down(silu(gate(x)) * up(x)); pre-norm residuals
  - final RMSNorm (output_norm), then output.weight (vocab, dim)
Greedy generation: from "prompt", append argmax of the last position's logits "newTokens" times; every step's gap
between the best and second-best logit is at least minGreedyMargin (checked, so float32 cannot flip a choice).

With LLAMA_DEBUG (a command running llama.cpp's llama-debug), llama.cpp itself checks the reference too: for every
position it can reach from a text prompt (the tokenizer's ids are compared with TOKENS), its logits with an F32 KV
cache and without flash attention must equal the reference within LLAMA_CPP_TOLERANCE for the file's type (ggml's
F16 and Q8_0 matrix products round the activations to F16 / Q8_0, hence the looser bounds); the figures go into
NAME.llama.json under "llamaCpp".

Usage: PYTHONPATH=<extracted python3-gguf dist-packages> /usr/bin/python3 make-llama-gguf.py OUTDIR [LLAMA_DEBUG]
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T
from gguf.quants import quantize, dequantize

out = sys.argv[1]
llama_debug = sys.argv[2] if len(sys.argv) > 2 else None
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20250915)

VOCAB, DIM, BLOCKS, HEADS, KV_HEADS, FFN, CONTEXT = 64, 32, 2, 4, 2, 64, 64
HEAD_DIM = DIM // HEADS
ROPE_DIM = HEAD_DIM
FREQ_BASE = 10000.0
EPS = 1e-5
VOCAB_PIECES = ["<unk>", "<s>", "</s>", "\u2581"] + [chr(c) for c in range(ord("a"), ord("z") + 1)] \
    + [chr(c) for c in range(ord("A"), ord("Z") + 1)] + [chr(c) for c in range(ord("0"), ord("7") + 1)]
assert len(VOCAB_PIECES) == VOCAB
# <s>, then the text "Pa2vkXhczm" as llama.cpp's SPM tokenizer splits it (a leading word-boundary piece, one id per
# character)
TOKENS = [1, 3, 45, 4, 58, 25, 14, 53, 11, 6, 29, 16]
PROMPT = TOKENS[:4]
NEW_TOKENS = 8


def weights():
    """Master weights in float32, numpy shapes outermost-first, scaled so activations stay near unit size."""
    def proj(rows, cols):
        return (rng.standard_normal((rows, cols)) / np.sqrt(cols)).astype(np.float32)

    def norm():
        return (1.0 + 0.1 * rng.standard_normal(DIM)).astype(np.float32)

    w = {"token_embd.weight": rng.standard_normal((VOCAB, DIM)).astype(np.float32)}
    for b in range(BLOCKS):
        p = "blk.%d." % b
        w[p + "attn_norm.weight"] = norm()
        w[p + "attn_q.weight"] = proj(HEADS * HEAD_DIM, DIM)
        w[p + "attn_k.weight"] = proj(KV_HEADS * HEAD_DIM, DIM)
        w[p + "attn_v.weight"] = proj(KV_HEADS * HEAD_DIM, DIM)
        w[p + "attn_output.weight"] = proj(DIM, HEADS * HEAD_DIM)
        w[p + "ffn_norm.weight"] = norm()
        w[p + "ffn_gate.weight"] = proj(FFN, DIM)
        w[p + "ffn_up.weight"] = proj(FFN, DIM)
        w[p + "ffn_down.weight"] = proj(DIM, FFN)
    w["output_norm.weight"] = norm()
    w["output.weight"] = proj(VOCAB, DIM)
    return w


def write(path, master, qtype):
    writer = gguf.GGUFWriter(path, "llama")  # general.architecture = llama
    writer.add_name("hartonomous tiny llama " + qtype.name.lower())
    writer.add_context_length(CONTEXT)
    writer.add_embedding_length(DIM)
    writer.add_block_count(BLOCKS)
    writer.add_feed_forward_length(FFN)
    writer.add_head_count(HEADS)
    writer.add_head_count_kv(KV_HEADS)
    writer.add_rope_dimension_count(ROPE_DIM)
    writer.add_rope_freq_base(FREQ_BASE)
    writer.add_layer_norm_rms_eps(EPS)
    writer.add_vocab_size(VOCAB)
    writer.add_file_type({T.F32: 0, T.F16: 1, T.Q8_0: 7}[qtype])
    # A small SentencePiece-style vocabulary, so the file carries what a llama loader expects (the substrate takes
    # token ids, it does not tokenize): control tokens, the word-boundary piece, then one character per token, so
    # llama.cpp's tokenizer turns a text into predictable ids (no two pieces merge).
    writer.add_tokenizer_model("llama")
    writer.add_token_list(VOCAB_PIECES)
    writer.add_token_scores([0.0] * 3 + [-float(i) for i in range(3, VOCAB)])
    writer.add_token_types([gguf.TokenType.UNKNOWN, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL]
                           + [gguf.TokenType.NORMAL] * (VOCAB - 3))
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    for name, value in master.items():
        if value.ndim == 1 or qtype == T.F32:
            writer.add_tensor(name, value)
        elif qtype == T.F16:
            writer.add_tensor(name, value.astype(np.float16))
        else:
            writer.add_tensor(name, quantize(value, qtype), raw_dtype=qtype)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def read(path):
    """The file's config and tensors (float64, numpy shapes outermost-first) as gguf-py reads them back."""
    reader = gguf.GGUFReader(path)

    def scalar(key):
        field = reader.fields[key]
        return field.parts[field.data[0]][0].item()

    cfg = {k: scalar("llama." + k) for k in ("context_length", "embedding_length", "block_count",
                                               "feed_forward_length", "attention.head_count",
                                               "attention.head_count_kv", "rope.dimension_count",
                                               "rope.freq_base", "attention.layer_norm_rms_epsilon")}
    tensors = {}
    for t in reader.tensors:
        shape = tuple(int(d) for d in reversed(t.shape))
        if t.tensor_type in (T.F32, T.F16):
            values = np.asarray(t.data, dtype=np.float64)
        else:
            values = np.asarray(dequantize(t.data, t.tensor_type), dtype=np.float64)
        tensors[t.name] = values.reshape(shape)
    return cfg, tensors


def rms_norm(x, weight, eps):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * weight


def rope(x, positions, rope_dim, base):
    """ggml NORMAL mode: pairs (2i, 2i+1) of each head; x is (tokens, heads, head_dim)."""
    y = x.copy()
    for i in range(rope_dim // 2):
        theta = positions * base ** (-2.0 * i / rope_dim)
        c, s = np.cos(theta)[:, None], np.sin(theta)[:, None]
        x0, x1 = x[:, :, 2 * i], x[:, :, 2 * i + 1]
        y[:, :, 2 * i] = x0 * c - x1 * s
        y[:, :, 2 * i + 1] = x0 * s + x1 * c
    return y


def forward(cfg, w, tokens):
    """Logits (len(tokens), vocab) for every position, in float64."""
    n, dim = len(tokens), cfg["embedding_length"]
    heads, kv_heads = cfg["attention.head_count"], cfg["attention.head_count_kv"]
    head_dim = dim // heads
    eps = cfg["attention.layer_norm_rms_epsilon"]
    positions = np.arange(n, dtype=np.float64)
    causal = np.triu(np.full((n, n), -np.inf), k=1)
    x = w["token_embd.weight"][tokens]
    for b in range(cfg["block_count"]):
        p = "blk.%d." % b
        h = rms_norm(x, w[p + "attn_norm.weight"], eps)
        q = (h @ w[p + "attn_q.weight"].T).reshape(n, heads, head_dim)
        k = (h @ w[p + "attn_k.weight"].T).reshape(n, kv_heads, head_dim)
        v = (h @ w[p + "attn_v.weight"].T).reshape(n, kv_heads, head_dim)
        q = rope(q, positions, cfg["rope.dimension_count"], cfg["rope.freq_base"])
        k = rope(k, positions, cfg["rope.dimension_count"], cfg["rope.freq_base"])
        attn = np.zeros((n, heads, head_dim))
        for hd in range(heads):
            kv = hd // (heads // kv_heads)
            scores = q[:, hd, :] @ k[:, kv, :].T / np.sqrt(head_dim) + causal
            scores = np.exp(scores - scores.max(axis=1, keepdims=True))
            attn[:, hd, :] = (scores / scores.sum(axis=1, keepdims=True)) @ v[:, kv, :]
        x = x + attn.reshape(n, heads * head_dim) @ w[p + "attn_output.weight"].T
        h = rms_norm(x, w[p + "ffn_norm.weight"], eps)
        gate = h @ w[p + "ffn_gate.weight"].T
        x = x + ((gate / (1.0 + np.exp(-gate))) * (h @ w[p + "ffn_up.weight"].T)) @ w[p + "ffn_down.weight"].T
    x = rms_norm(x, w["output_norm.weight"], eps)
    return x @ w["output.weight"].T


def greedy(cfg, w, prompt, count):
    tokens, margins = list(prompt), []
    for _ in range(count):
        last = forward(cfg, w, tokens)[-1]
        best, second = np.sort(last)[-1], np.sort(last)[-2]
        margins.append(float(best - second))
        tokens.append(int(np.argmax(last)))
    return tokens[len(prompt):], min(margins)


LLAMA_CPP_TOLERANCE = {T.F32: 1e-5, T.F16: 1e-2, T.Q8_0: 1e-1}


def llama_cpp_check(path, qtype, logits):
    """llama.cpp's logits for every prefix of TOKENS a text can produce, against the reference's."""
    stem = os.path.basename(path)[:-len(".gguf")]
    worst, positions = 0.0, []
    with tempfile.TemporaryDirectory() as tmp:
        for k in [1] + list(range(3, len(TOKENS) + 1)):  # [<s>] from "", then <s> \u2581 and characters
            text = "".join(VOCAB_PIECES[t] for t in TOKENS[2:k])
            subprocess.run([llama_debug, "-m", path, "-p", text, "--save-logits", "--logits-output-dir", tmp,
                            "-t", "1", "-c", str(CONTEXT), "-ctk", "f32", "-ctv", "f32", "-fa", "off"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            ids = np.fromfile(os.path.join(tmp, "llamacpp-%s-tokens.bin" % stem), dtype="<i4").tolist()
            if ids != TOKENS[:k]:
                raise SystemExit("%s: llama.cpp tokenized %r as %s, not %s" % (path, text, ids, TOKENS[:k]))
            theirs = np.fromfile(os.path.join(tmp, "llamacpp-%s.bin" % stem), dtype="<f4")
            worst = max(worst, float(np.abs(theirs - logits[k - 1]).max()))
            positions.append(k - 1)
    if worst > LLAMA_CPP_TOLERANCE[qtype]:
        raise SystemExit("%s: llama.cpp's logits differ from the reference by %g" % (path, worst))
    return {"positions": positions, "maxAbsDiff": worst, "tolerance": LLAMA_CPP_TOLERANCE[qtype],
            "options": "F32 KV cache, no flash attention, 1 thread"}


master = weights()
for qtype in (T.F32, T.F16, T.Q8_0):
    name = "llama-%s.gguf" % qtype.name.lower()
    path = os.path.join(out, name)
    write(path, master, qtype)
    cfg, tensors = read(path)
    logits = forward(cfg, tensors, TOKENS)
    new_tokens, margin = greedy(cfg, tensors, PROMPT, NEW_TOKENS)
    if margin < 1e-3:
        raise SystemExit("%s: greedy step with a margin of %g, float32 could flip it: change the seed" % (name, margin))
    logits.astype("<f4").tofile(path + ".logits.f32")
    reference = {"tokens": TOKENS, "shape": list(logits.shape), "logits": name + ".logits.f32",
                 "prompt": PROMPT, "greedy": new_tokens, "minGreedyMargin": margin, "config": cfg,
                 "rope": "ggml NORMAL mode: adjacent pairs (2i, 2i+1) per head, theta = pos * base^(-2i/rope_dim)"}
    if llama_debug:
        reference["llamaCpp"] = llama_cpp_check(path, qtype, logits)
    with open(path + ".llama.json", "w") as f:
        json.dump(reference, f, indent=1)
print("llama gguf: wrote", sorted(n for n in os.listdir(out) if n.startswith("llama-")))
