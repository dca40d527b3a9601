"""Reference-file writer shared by the test-data generators.

A reference is NAME.ref.json (tensor table) plus NAME.ref.bin (the values, little-endian, concatenated in tensor
order). dtype is the Hartonomous atom subtype the values are expected as (f32, f16, bf16, f64, i8, ..., bool);
shape is outermost-first. The Java tests compare what the atomizers stored against these bytes.
"""
import json

import numpy as np


class RefWriter:
    def __init__(self, path):
        self.path = path
        self.tensors = []
        self.blob = bytearray()

    def add(self, name, dtype, shape, values):
        data = np.ascontiguousarray(values)
        if data.dtype.byteorder == '>':
            data = data.byteswap().view(data.dtype.newbyteorder('<'))
        raw = data.tobytes()
        self.tensors.append({"name": name, "dtype": dtype, "shape": [int(s) for s in shape],
                             "offset": len(self.blob), "nbytes": len(raw)})
        self.blob += raw

    def close(self):
        with open(self.path + ".ref.bin", "wb") as f:
            f.write(self.blob)
        with open(self.path + ".ref.json", "w") as f:
            json.dump({"tensors": self.tensors}, f, indent=1)
