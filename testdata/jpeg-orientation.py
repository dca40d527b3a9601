#!/usr/bin/python3
"""Copies a JPEG, inserting an EXIF APP1 segment right after SOI whose IFD0 holds only Orientation (tag 0x0112).
The entropy-coded data is untouched, so the pixels decode exactly as the source's.
Usage: jpeg-orientation.py IN.jpg OUT.jpg ORIENTATION(1-8) II|MM
"""
import struct
import sys

src, dst, orientation, order = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
e = "<" if order == "II" else ">"
tiff = order.encode() + struct.pack(e + "HI", 42, 8)                  # header, IFD0 at offset 8
tiff += struct.pack(e + "H", 1)                                        # one entry
tiff += struct.pack(e + "HHI", 0x0112, 3, 1) + struct.pack(e + "HH", orientation, 0)  # SHORT, left-justified
tiff += struct.pack(e + "I", 0)                                        # no IFD1
payload = b"Exif\0\0" + tiff
data = open(src, "rb").read()
assert data[:2] == b"\xff\xd8", "not a JPEG"
open(dst, "wb").write(data[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + data[2:])
