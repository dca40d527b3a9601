#!/usr/bin/python3
"""Reference values for ONNX files from Debian's python3-onnx (onnx.numpy_helper.to_array), our independent decoder.

  make-onnx-refs.py select SRC_ROOT DEST   copy every libonnx-testdata model.onnx that holds weights (initializers or
                                           Constant nodes) to DEST/<dir_name>.onnx
  make-onnx-refs.py refs MODEL...          write MODEL.ref.json/.ref.bin: initializers in file order, then the
                                           Constant nodes' values in node order (named after the node's output)
  make-onnx-refs.py external SRC DEST      save SRC with its initializers as external data (a variant we refuse)
  make-onnx-refs.py duplicate SRC DEST     save SRC with a second initializer of its first initializer's name and other
                                           values (against ONNX's single-assignment rule: a variant we refuse)
"""
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import numpy_helper, TensorProto

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reflib import RefWriter  # noqa: E402

SUBTYPES = {TensorProto.FLOAT: "f32", TensorProto.UINT8: "u8", TensorProto.INT8: "i8", TensorProto.INT16: "i16",
            TensorProto.INT32: "i32", TensorProto.INT64: "i64", TensorProto.BOOL: "bool", TensorProto.FLOAT16: "f16",
            TensorProto.DOUBLE: "f64", TensorProto.BFLOAT16: "bf16"}


def graphs(graph):
    """The graph, then its subgraphs (attributes g and graphs of If, Loop, Scan ...), depth first in node order."""
    yield graph
    for node in graph.node:
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                yield from graphs(attr.g)
            elif attr.type == onnx.AttributeProto.GRAPHS:
                for sub in attr.graphs:
                    yield from graphs(sub)


def weights(model):
    """(name, TensorProto) in the order the Java atomizer numbers tensors: every graph's initializers, then every
    graph's Constant values."""
    all_graphs = list(graphs(model.graph))
    out = [(t.name, t) for g in all_graphs for t in g.initializer]
    for node in (n for g in all_graphs for n in g.node):
        if node.op_type != "Constant" or node.domain not in ("", "ai.onnx"):
            continue
        for attr in node.attribute:
            name = node.output[0]
            if attr.name == "value":
                out.append((name, attr.t))
            elif attr.name == "value_float":
                out.append((name, numpy_helper.from_array(np.array(attr.f, dtype=np.float32), name)))
            elif attr.name == "value_floats":
                out.append((name, numpy_helper.from_array(np.array(attr.floats, dtype=np.float32), name)))
            elif attr.name == "value_int":
                out.append((name, numpy_helper.from_array(np.array(attr.i, dtype=np.int64), name)))
            elif attr.name == "value_ints":
                out.append((name, numpy_helper.from_array(np.array(attr.ints, dtype=np.int64), name)))
            else:  # sparse_value, value_string(s): no atom subtype
                out.append((name, None))
    return out


def refs(path):
    model = onnx.load(path, load_external_data=False)
    ref = RefWriter(path)
    unsupported = None
    for name, tensor in weights(model):
        if tensor is None or tensor.data_type not in SUBTYPES:
            unsupported = unsupported or (name, "sparse/string" if tensor is None
                                          else TensorProto.DataType.Name(tensor.data_type))
            continue
        arr = numpy_helper.to_array(tensor)
        if tensor.data_type == TensorProto.BFLOAT16:
            # bfloat16 widens to float32 exactly, so its bit pattern is the upper half of the float32's
            arr = (np.asarray(arr, dtype="<f4").view("<u4") >> 16).astype("<u2") if arr.dtype != np.uint16 else arr
        ref.add(name, SUBTYPES[tensor.data_type], tensor.dims, arr)
    ref.close()
    if unsupported:
        with open(path + ".ref.unsupported", "w") as f:
            f.write("%s\t%s\n" % unsupported)


def select(src, dest):
    os.makedirs(dest, exist_ok=True)
    count = 0
    for root, _dirs, files in sorted(os.walk(src)):
        if "model.onnx" not in files:
            continue
        path = os.path.join(root, "model.onnx")
        try:
            model = onnx.load(path, load_external_data=False)
        except Exception:
            continue
        if weights(model):
            shutil.copyfile(path, os.path.join(dest, os.path.basename(root) + ".onnx"))
            count += 1
    print("onnx: selected %d libonnx-testdata models with weights" % count)


if sys.argv[1] == "select":
    select(sys.argv[2], sys.argv[3])
elif sys.argv[1] == "refs":
    for p in sys.argv[2:]:
        refs(p)
elif sys.argv[1] == "external":
    m = onnx.load(sys.argv[2])
    onnx.save_model(m, sys.argv[3], save_as_external_data=True, all_tensors_to_one_file=True,
                    location=os.path.basename(sys.argv[3]) + ".data", size_threshold=0)
elif sys.argv[1] == "duplicate":
    m = onnx.load(sys.argv[2])
    first = m.graph.initializer[0]
    twin = numpy_helper.from_array(numpy_helper.to_array(first) + 1, first.name)
    m.graph.initializer.append(twin)
    os.makedirs(os.path.dirname(sys.argv[3]), exist_ok=True)
    onnx.save_model(m, sys.argv[3])
