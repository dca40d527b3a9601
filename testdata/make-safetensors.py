#!/usr/bin/python3
"""Writes small safetensors files with numpy (the format is an 8-byte little-endian header length, a JSON header and
the raw little-endian tensor bytes) plus the values as references. Usage: /usr/bin/python3 make-safetensors.py OUTDIR
"""
import json
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reflib import RefWriter  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)

# safetensors dtype -> (numpy dtype of the stored bytes, Hartonomous subtype)
DTYPES = {"F64": ("<f8", "f64"), "F32": ("<f4", "f32"), "F16": ("<f2", "f16"), "BF16": ("<u2", "bf16"),
          "I8": ("i1", "i8"), "I16": ("<i2", "i16"), "I32": ("<i4", "i32"), "I64": ("<i8", "i64"),
          "U8": ("u1", "u8"), "BOOL": ("?", "bool")}


def values(dtype, shape):
    np_dtype = DTYPES[dtype][0]
    if dtype in ("F64", "F32", "F16"):
        return rng.standard_normal(shape).astype(np_dtype)
    if dtype == "BF16":  # the upper half of float32 bit patterns
        return (rng.standard_normal(shape).astype("<f4").view("<u4") >> 16).astype("<u2")
    if dtype == "BOOL":
        return rng.integers(0, 2, shape).astype("?")
    info = np.iinfo(np_dtype)
    return rng.integers(info.min, info.max, shape, endpoint=True, dtype=np.int64 if info.min < 0 else np.uint64) \
        .astype(np_dtype)


def write(name, tensors, metadata=None, header_pad=0):
    """tensors: list of (name, dtype, shape, array); stored in the order given."""
    header, blob, ref = {}, bytearray(), RefWriter(os.path.join(out, name))
    if metadata is not None:
        header["__metadata__"] = metadata
    for tname, dtype, shape, arr in tensors:
        raw = np.ascontiguousarray(arr).tobytes()
        header[tname] = {"dtype": dtype, "shape": list(shape), "data_offsets": [len(blob), len(blob) + len(raw)]}
        blob += raw
        ref.add(tname, DTYPES[dtype][1], shape, arr)
    text = json.dumps(header).encode() + b" " * header_pad
    with open(os.path.join(out, name), "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + blob)
    ref.close()


all_types = [(f"t.{d.lower()}", d, s, values(d, s)) for d, s in
             [("F64", (3, 4)), ("F32", (2, 3, 4, 5)), ("F16", (7, 9)), ("BF16", (4, 16)), ("I8", (33,)),
              ("I16", (5, 5)), ("I32", (2, 2, 2)), ("I64", (6,)), ("U8", (3, 17)), ("BOOL", (19,))]]
all_types.append(("t.scalar", "F32", (), values("F32", ())))
all_types.append(("t.empty", "F32", (0, 3), values("F32", (0, 3))))
write("types.safetensors", all_types, metadata={"format": "pt", "source": "hartonomous make-safetensors.py"},
      header_pad=5)
# Several chunks' worth of rows in one tensor, for chunking and resume.
write("chunks.safetensors", [("big", "F32", (3, 70000), values("F32", (3, 70000))),
                             ("small", "F16", (10,), values("F16", (10,)))])
# A dtype Hartonomous has no atom subtype for.
write("u16.safetensors", [("ok", "F32", (2,), values("F32", (2,))),
                          ("bad", "F32", (2,), values("F32", (2,)))])
with open(os.path.join(out, "u16.safetensors"), "r+b") as f:  # relabel 'bad' (8 bytes) as U16[4]
    n = struct.unpack("<Q", f.read(8))[0]
    head = json.loads(f.read(n))
    head["bad"]["dtype"], head["bad"]["shape"] = "U16", [4]
    text = json.dumps(head).encode()
    text += b" " * (n - len(text))
    assert len(text) == n
    f.seek(8)
    f.write(text)
os.remove(os.path.join(out, "u16.safetensors.ref.json"))
os.remove(os.path.join(out, "u16.safetensors.ref.bin"))
print("safetensors: wrote", sorted(n for n in os.listdir(out) if n.endswith(".safetensors")))
