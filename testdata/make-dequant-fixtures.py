#!/usr/bin/python3
"""Small GGML dequantization fixtures for hart-kernels' DequantTest, produced by upstream gguf-py.

Run with Debian's /usr/bin/python3 + python3-numpy and PYTHONPATH pointing at Debian sid's python3-gguf
dist-packages (see /work/shared/TESTDATA.md for how to extract it without touching /etc):

    PYTHONPATH=/tmp/gguf/x/usr/lib/python3/dist-packages /usr/bin/python3 testdata/make-dequant-fixtures.py \
        kernels/src/test/resources/dequant

For every type it writes <TYPE>.bin (raw little-endian blocks, exactly as in a GGUF tensor) and <TYPE>.f32 (the
expected float32 values, little-endian) plus MANIFEST.txt. Expected values come from gguf.quants.dequantize, except
for Q8_K, which gguf-py cannot dequantize: there they follow ggml's dequantize_row_q8_K (y = d * q in float32),
computed with numpy. Block sources:
  * Q8_0, Q4_0, Q4_1, Q5_0, Q5_1: blocks from gguf.quants.quantize of seeded normal data (with an all-zero block,
    a constant block and a block with outliers), then random raw blocks;
  * all types: random raw blocks with finite scale fields, and edge blocks whose scales are 0, -0, the smallest
    f16 subnormal, the largest f16 (65504), +Inf and NaN (the test treats NaN as "any NaN").
Deterministic (fixed seed); total output stays well under 100 KB.
"""
import os
import sys

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T
from gguf import quants

OUT = sys.argv[1] if len(sys.argv) > 1 else "kernels/src/test/resources/dequant"
rng = np.random.default_rng(20250611)

# byte offsets of binary16 scale fields inside a block, per type
HALF_FIELDS = {
    "Q8_0": [0], "Q4_0": [0], "Q4_1": [0, 2], "Q5_0": [0], "Q5_1": [0, 2],
    "Q4_K": [0, 2], "Q5_K": [0, 2], "Q6_K": [208],
}
EDGE_HALVES = [0x0000, 0x8000, 0x0001, 0x7BFF, 0x7C00, 0x7E00]


def block_info(name):
    qt = getattr(T, name)
    block_values, block_bytes = gguf.GGML_QUANT_SIZES[qt]
    return qt, block_values, block_bytes


def random_blocks(name, count):
    _, _, block_bytes = block_info(name)
    raw = rng.integers(0, 256, size=(count, block_bytes), dtype=np.uint8)
    if name == "Q8_K":
        d = (rng.standard_normal(count) * 0.01).astype("<f4")
        raw[:, 0:4] = d.view(np.uint8).reshape(count, 4)
        return raw
    for off in HALF_FIELDS[name]:
        h = (rng.standard_normal(count) * 0.05).astype("<f2")
        raw[:, off:off + 2] = h.view(np.uint8).reshape(count, 2)
    return raw


def edge_blocks(name):
    _, _, block_bytes = block_info(name)
    count = len(EDGE_HALVES)
    raw = rng.integers(0, 256, size=(count, block_bytes), dtype=np.uint8)
    for i, bits in enumerate(EDGE_HALVES):
        if name == "Q8_K":
            f = np.array([np.frombuffer(np.uint16(bits).tobytes(), dtype="<f2")[0]], dtype="<f4")
            raw[i, 0:4] = f.view(np.uint8)
        else:
            for off in HALF_FIELDS[name]:
                raw[i, off:off + 2] = np.frombuffer(np.uint16(bits).astype("<u2").tobytes(), dtype=np.uint8)
    return raw


def quantized_blocks(name, count):
    qt, block_values, _ = block_info(name)
    data = (rng.standard_normal((count, block_values)) * 0.02).astype(np.float32)
    data[0, :] = 0
    data[1, :] = 0.125
    data[2, 3] = 7.5
    data[2, 17] = -3.25
    return quants.quantize(data, qt).reshape(count, -1)


def expected(name, raw):
    qt, block_values, _ = block_info(name)
    if name == "Q8_K":
        d = raw[:, 0:4].copy().view("<f4").astype(np.float32)  # (n, 1)
        q = raw[:, 4:4 + 256].view(np.int8).astype(np.float32)
        with np.errstate(all="ignore"):
            return (d * q).astype("<f4").reshape(-1)
    with np.errstate(all="ignore"):
        return quants.dequantize(raw.reshape(-1), qt).astype("<f4").reshape(-1)


def main():
    os.makedirs(OUT, exist_ok=True)
    try:
        from importlib.metadata import version
        gguf_version = version("gguf")
    except Exception:  # noqa: BLE001 - version is informational only
        gguf_version = "unknown"
    manifest = ["# gguf-py " + gguf_version + ", numpy " + np.__version__,
                "# type blocks blockBytes blockValues source"]
    for name in ["Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K", "Q8_K"]:
        _, block_values, block_bytes = block_info(name)
        parts = []
        if name in ("Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1"):
            parts.append(quantized_blocks(name, 12))
            parts.append(random_blocks(name, 6))
        else:
            parts.append(random_blocks(name, 6))
        parts.append(edge_blocks(name))
        raw = np.ascontiguousarray(np.concatenate(parts, axis=0).astype(np.uint8))
        exp = expected(name, raw)
        assert exp.size == raw.shape[0] * block_values
        raw.tofile(os.path.join(OUT, name + ".bin"))
        exp.tofile(os.path.join(OUT, name + ".f32"))
        source = "ggml dequantize_row_q8_K via numpy" if name == "Q8_K" else "gguf.quants.dequantize"
        manifest.append(f"{name} {raw.shape[0]} {block_bytes} {block_values} {source}")
    # BF16 and F16 through gguf-py too (the kernels also check all 65536 f16 patterns against the JDK)
    bits = rng.integers(0, 65536, size=512, dtype=np.uint16)
    bits[:8] = [0x0000, 0x8000, 0x0001, 0x8001, 0x7C00, 0xFC00, 0x7E00, 0x7BFF]
    raw16 = bits.astype("<u2").view(np.uint8)
    for name in ["BF16", "F16"]:
        raw16.tofile(os.path.join(OUT, name + ".bin"))
        with np.errstate(all="ignore"):
            exp = quants.dequantize(raw16, getattr(T, name)).astype("<f4").reshape(-1)
        exp.tofile(os.path.join(OUT, name + ".f32"))
        manifest.append(f"{name} {bits.size} 2 1 gguf.quants.dequantize")
    with open(os.path.join(OUT, "MANIFEST.txt"), "w") as f:
        f.write("\n".join(manifest) + "\n")


if __name__ == "__main__":
    main()
