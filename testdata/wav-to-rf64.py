#!/usr/bin/python3
"""Rewrites a RIFF/WAVE file as RF64 (EBU Tech 3306): 'RF64' header with size 0xFFFFFFFF, a ds64 chunk carrying the
64-bit RIFF and data sizes, and the data chunk's 32-bit size set to 0xFFFFFFFF. Sample bytes are copied unchanged.
Usage: wav-to-rf64.py IN.wav OUT.wav
"""
import struct
import sys

src = open(sys.argv[1], "rb").read()
assert src[0:4] == b"RIFF" and src[8:12] == b"WAVE", "not a RIFF/WAVE file"
chunks, pos = [], 12
while pos + 8 <= len(src):
    cid, size = src[pos:pos + 4], struct.unpack("<I", src[pos + 4:pos + 8])[0]
    chunks.append((cid, src[pos + 8:pos + 8 + size]))
    pos += 8 + size + (size & 1)
data = next(body for cid, body in chunks if cid == b"data")
frames = len(data)  # sample count is informative; readers use the data size
ds64 = struct.pack("<QQQI", 0, len(data), frames, 0)
body = b"WAVE" + b"ds64" + struct.pack("<I", len(ds64)) + ds64
for cid, payload in chunks:
    size = 0xFFFFFFFF if cid == b"data" else len(payload)
    body += cid + struct.pack("<I", size) + payload + (b"\0" if len(payload) & 1 else b"")
riff_size = len(body)
body = body.replace(b"ds64" + struct.pack("<I", len(ds64)) + struct.pack("<Q", 0),
                    b"ds64" + struct.pack("<I", len(ds64)) + struct.pack("<Q", riff_size), 1)
open(sys.argv[2], "wb").write(b"RF64" + struct.pack("<I", 0xFFFFFFFF) + body)
