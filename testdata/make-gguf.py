#!/usr/bin/python3
"""Writes small GGUF models with upstream's own writer (gguf-py's GGUFWriter) and quantizers, plus the expected
values: gguf-py's dequantize output for every quantized type (our independent reference).

Usage: PYTHONPATH=<extracted python3-gguf dist-packages> /usr/bin/python3 make-gguf.py OUTDIR
"""
import os
import sys

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T
from gguf.quants import quantize, dequantize

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reflib import RefWriter  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(20240611)

QK_K = 256
K_SIZES = {T.Q4_K: 144, T.Q5_K: 176, T.Q6_K: 210, T.Q8_K: 292}


def f16_bits(values):
    return np.asarray(values, dtype=np.float16).view(np.uint8)


def random_kquant_blocks(qtype, nblocks):
    """Random block bytes with finite, modest scales, so dequantization is defined and finite."""
    size = K_SIZES[qtype]
    blocks = rng.integers(0, 256, size=(nblocks, size), dtype=np.uint8)
    if qtype in (T.Q4_K, T.Q5_K):  # d, dmin (f16) lead the block
        blocks[:, 0:2] = f16_bits(rng.uniform(0.001, 0.05, nblocks)).reshape(nblocks, 2)
        blocks[:, 2:4] = f16_bits(rng.uniform(0.001, 0.05, nblocks)).reshape(nblocks, 2)
    elif qtype == T.Q6_K:  # d (f16) closes the block
        blocks[:, 208:210] = f16_bits(rng.uniform(0.001, 0.05, nblocks)).reshape(nblocks, 2)
    elif qtype == T.Q8_K:  # d (f32) leads the block
        blocks[:, 0:4] = np.asarray(rng.uniform(0.001, 0.05, nblocks), dtype='<f4').view(np.uint8).reshape(nblocks, 4)
    return blocks


def q8k_reference(blocks):
    """gguf-py has no Q8_K dequantizer; ggml defines it as y = d * qs (d f32, qs int8[256], then int16 bsums[16])."""
    d = blocks[:, 0:4].copy().view('<f4').astype(np.float32)
    qs = blocks[:, 4:4 + QK_K].copy().view(np.int8).astype(np.float32)
    return (d * qs).astype(np.float32)


def reference_dtype(qtype):
    return {T.F16: "f16", T.BF16: "bf16", T.F64: "f64", T.I8: "i8", T.I16: "i16", T.I32: "i32",
            T.I64: "i64"}.get(qtype, "f32")


def write(name, tensors, alignment=None, extra_kv=True):
    path = os.path.join(out, name)
    writer = gguf.GGUFWriter(path, "hart-test")
    if alignment:
        writer.add_custom_alignment(alignment)
    if extra_kv:
        writer.add_name("hartonomous test model " + name)
        writer.add_uint8("test.u8", 200)
        writer.add_int8("test.i8", -100)
        writer.add_uint16("test.u16", 60000)
        writer.add_int16("test.i16", -30000)
        writer.add_uint32("test.u32", 4000000000)
        writer.add_int32("test.i32", -2000000000)
        writer.add_float32("test.f32", 1.5)
        writer.add_uint64("test.u64", 2 ** 63 + 5)
        writer.add_int64("test.i64", -(2 ** 62))
        writer.add_float64("test.f64", 2.25)
        writer.add_bool("test.bool", True)
        writer.add_string("test.string", "grüße, ünïcödé")
        writer.add_array("test.array.i32", [1, -2, 3])
        writer.add_array("test.array.str", ["a", "bb", "ccc"])
        writer.add_array("test.array.f32", [0.5, 1.5])
        writer.add_array("test.array.nested", [[1, 2], [3]])
        writer.add_array("tokenizer.ggml.tokens", ["tok%d" % i for i in range(300)])
    ref = RefWriter(path)
    for tname, qtype, shape, payload in tensors:
        if qtype in (T.F32, T.F16, T.F64, T.I8, T.I16, T.I32, T.I64):
            writer.add_tensor(tname, payload)
            ref.add(tname, reference_dtype(qtype), shape, payload)
        elif qtype in K_SIZES:
            rows = payload.reshape(shape[0], -1)  # one byte row per tensor row, as GGUFWriter expects
            writer.add_tensor(tname, rows, raw_dtype=qtype)
            expected = q8k_reference(payload) if qtype == T.Q8_K else dequantize(rows, qtype)
            ref.add(tname, "f32", shape, np.asarray(expected, dtype=np.float32).reshape(shape))
        elif qtype == T.BF16:
            q = quantize(payload, qtype)
            writer.add_tensor(tname, q, raw_dtype=qtype)
            ref.add(tname, "bf16", shape, q.view(np.uint16).reshape(shape))
        elif qtype.name.startswith("IQ") or qtype in (T.Q2_K, T.Q3_K):
            writer.add_tensor(tname, payload, raw_dtype=qtype)
        else:
            q = quantize(payload, qtype)
            writer.add_tensor(tname, q, raw_dtype=qtype)
            ref.add(tname, "f32", shape, np.asarray(dequantize(q, qtype), dtype=np.float32).reshape(shape))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    ref.close()
    return path


def normal(*shape):
    return rng.standard_normal(shape).astype(np.float32)


# Every simple and legacy-quantized type gguf-py can write and quantize, 1-D to 4-D, ne[0] a multiple of 32.
write("types.gguf", [
    ("f32.vec", T.F32, (64,), normal(64)),
    ("f32.mat", T.F32, (3, 5, 64), normal(3, 5, 64)),
    ("f16.mat", T.F16, (4, 96), normal(4, 96).astype(np.float16)),
    ("bf16.mat", T.BF16, (2, 3, 64), normal(2, 3, 64)),
    ("q8_0.mat", T.Q8_0, (6, 64), normal(6, 64)),
    ("q4_0.mat", T.Q4_0, (2, 2, 2, 64), normal(2, 2, 2, 64)),
    ("q4_1.mat", T.Q4_1, (5, 32), normal(5, 32)),
    ("q5_0.mat", T.Q5_0, (3, 128), normal(3, 128)),
    ("q5_1.mat", T.Q5_1, (7, 32), normal(7, 32)),
    ("f64.vec", T.F64, (10,), rng.standard_normal(10)),
    ("i8.vec", T.I8, (11,), rng.integers(-128, 128, 11).astype(np.int8)),
    ("i16.vec", T.I16, (12,), rng.integers(-32768, 32768, 12).astype(np.int16)),
    ("i32.vec", T.I32, (13,), rng.integers(-2 ** 31, 2 ** 31, 13).astype(np.int32)),
    ("i64.vec", T.I64, (3, 5), rng.integers(-2 ** 62, 2 ** 62, (3, 5)).astype(np.int64)),
])

# K-quants: gguf-py cannot quantize them, so blocks are random but valid; gguf-py dequantizes Q4_K/Q5_K/Q6_K.
write("kquants.gguf", [
    ("q4_k", T.Q4_K, (2, 512), random_kquant_blocks(T.Q4_K, 4)),
    ("q5_k", T.Q5_K, (3, 256), random_kquant_blocks(T.Q5_K, 3)),
    ("q6_k", T.Q6_K, (2, 256), random_kquant_blocks(T.Q6_K, 2)),
    ("q8_k", T.Q8_K, (1, 512), random_kquant_blocks(T.Q8_K, 2)),
], extra_kv=False)

# Custom alignment and a tensor that spans several 65,536-row chunks (chunking and resume).
write("chunks.gguf", [
    ("big.q8_0", T.Q8_0, (40, 4096), normal(40, 4096)),
    ("odd.f32", T.F32, (3, 33), normal(3, 33)),
    ("big.f16", T.F16, (3, 32768), normal(3, 32768).astype(np.float16)),
], alignment=64, extra_kv=False)

# A type Hartonomous does not dequantize (IQ2_XXS: 66-byte blocks of 256 values).
write("iq2_xxs.gguf", [
    ("ok.f32", T.F32, (32,), normal(32)),
    ("blk.0.attn_q.weight", T.IQ2_XXS, (1, 256), rng.integers(0, 256, (1, 66), dtype=np.uint8)),
], extra_kv=False)

# GGUF v2 has the v3 layout for little-endian files: same bytes with the version field set to 2.
with open(os.path.join(out, "types.gguf"), "rb") as f:
    data = bytearray(f.read())
data[4:8] = (2).to_bytes(4, "little")
with open(os.path.join(out, "types-v2.gguf"), "wb") as f:
    f.write(data)
for suffix in (".ref.json", ".ref.bin"):
    with open(os.path.join(out, "types.gguf" + suffix), "rb") as src, \
            open(os.path.join(out, "types-v2.gguf" + suffix), "wb") as dst:
        dst.write(src.read())
print("gguf: wrote", sorted(n for n in os.listdir(out) if n.endswith(".gguf")))
