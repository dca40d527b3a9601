package io.hartonomous.ingest.atomize.model.onnx;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hartonomous.formats.onnx.OnnxFormatException;
import io.hartonomous.formats.onnx.OnnxStructure;
import io.hartonomous.formats.onnx.ProtoReader;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.ingest.atomize.Json;
import io.hartonomous.ingest.atomize.model.MappedFile;
import io.hartonomous.ingest.atomize.model.ModelAtomizer;
import io.hartonomous.ingest.atomize.model.TensorReader;
import io.hartonomous.ingest.atomize.model.TensorSpec;
import io.hartonomous.ingest.detect.BadInputException;
import io.hartonomous.ingest.detect.DetectedFormat;
import io.hartonomous.ingest.detect.UnsupportedFormatException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * ONNX: ModelProto → GraphProto → initializer TensorProtos, plus the values of Constant nodes (exporters such as
 * PaddleOCR's put weights there), read with a hand-written protobuf wire reader from the memory-mapped file. Tensor
 * data may sit in raw_data (little-endian, sliced from the mapping without copying) or the typed fields, with the
 * ONNX spec's mapping: float_data (FLOAT), int32_data (INT32, INT16, INT8, UINT8, BOOL and the bits of FLOAT16 and
 * BFLOAT16), int64_data (INT64), double_data (DOUBLE). Tensors stored externally are refused: the upload is one file.
 */
public final class OnnxAtomizer {
    private OnnxAtomizer() {
    }

    /** ONNX TensorProto.DataType -> element bytes, atom subtype, the typed field that holds it. */
    private record DataType(int id, String name, int bytes, String storedAs, int typedField) {
    }

    private static final int FLOAT_DATA = 4;
    private static final int INT32_DATA = 5;
    private static final int INT64_DATA = 7;
    private static final int DOUBLE_DATA = 10;
    private static final String[] TYPE_NAMES = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32",
            "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128",
            "BFLOAT16", "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4",
            "FLOAT4E2M1"};

    private static DataType dataType(String tensor, long id) {
        return switch ((int) Math.min(id, 999)) {
            case 1 -> new DataType(1, "FLOAT", 4, "f32", FLOAT_DATA);
            case 2 -> new DataType(2, "UINT8", 1, "u8", INT32_DATA);
            case 3 -> new DataType(3, "INT8", 1, "i8", INT32_DATA);
            case 5 -> new DataType(5, "INT16", 2, "i16", INT32_DATA);
            case 6 -> new DataType(6, "INT32", 4, "i32", INT32_DATA);
            case 7 -> new DataType(7, "INT64", 8, "i64", INT64_DATA);
            case 9 -> new DataType(9, "BOOL", 1, "bool", INT32_DATA);
            case 10 -> new DataType(10, "FLOAT16", 2, "f16", INT32_DATA);
            case 11 -> new DataType(11, "DOUBLE", 8, "f64", DOUBLE_DATA);
            case 16 -> new DataType(16, "BFLOAT16", 2, "bf16", INT32_DATA);
            default -> throw new UnsupportedFormatException("tensor " + tensor + " has data type "
                    + (id >= 0 && id < TYPE_NAMES.length ? TYPE_NAMES[(int) id] : "id " + id)
                    + ", which is not supported (FLOAT, DOUBLE, FLOAT16, BFLOAT16, INT8-INT64, UINT8 and BOOL are)");
        };
    }

    /** A tensor as found in the file: byte ranges of raw_data or of one typed field (packed or not). */
    private static final class Found {
        String name = "";
        final List<Long> dims = new ArrayList<>();
        long dataType;
        long[] raw;
        final List<long[]> typed = new ArrayList<>();
        int typedField;
        int typedWire;
        boolean external;
        boolean segmented;
        boolean strings;
        long constantVarint = Long.MIN_VALUE; // value_int of a Constant node
        boolean hasConstantVarint;
        boolean lengthFromData; // value_floats / value_ints: a 1-D tensor as long as its values
    }

    public static ModelAtomizer open(Path file, IngestLimits limits, int chunkRows) throws IOException {
        return MappedFile.parse(file, mapped -> {
            try {
                return parse(mapped, limits, chunkRows);
            } catch (OnnxFormatException e) {
                throw new BadInputException(e.getMessage(), e);
            }
        });
    }

    private static BadInputException bad(String detail) {
        return new BadInputException("invalid ONNX: " + detail);
    }

    private static ModelAtomizer parse(MappedFile mapped, IngestLimits limits, int chunkRows) {
        MemorySegment seg = mapped.segment();
        ProtoReader model = new ProtoReader(seg, 0, seg.byteSize());
        ObjectNode meta = Json.object();
        ArrayNode opsets = meta.putArray("opsets");
        ObjectNode props = meta.putObject("metadataProps");
        List<Found> initializers = new ArrayList<>();
        List<Found> constants = new ArrayList<>();
        String graphName = null;
        boolean graphSeen = false;
        while (model.more()) {
            long tag = model.tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            switch (field) {
                case 1 -> meta.put("irVersion", expect(model, wire, ProtoReader.VARINT).varint());
                case 2 -> meta.put("producerName", expect(model, wire, ProtoReader.LEN).string());
                case 3 -> meta.put("producerVersion", expect(model, wire, ProtoReader.LEN).string());
                case 4 -> meta.put("domain", expect(model, wire, ProtoReader.LEN).string());
                case 5 -> meta.put("modelVersion", expect(model, wire, ProtoReader.VARINT).varint());
                case 7 -> {
                    if (graphSeen) {
                        throw bad("the model has two graphs");
                    }
                    graphSeen = true;
                    ProtoReader graph = expect(model, wire, ProtoReader.LEN).message();
                    graphName = readGraph(graph, initializers, constants);
                }
                case 8 -> {
                    ProtoReader opset = expect(model, wire, ProtoReader.LEN).message();
                    ObjectNode o = opsets.addObject();
                    o.put("domain", "");
                    while (opset.more()) {
                        long t = opset.tag();
                        if (t >>> 3 == 1 && (t & 7) == ProtoReader.LEN) {
                            o.put("domain", opset.string());
                        } else if (t >>> 3 == 2 && (t & 7) == ProtoReader.VARINT) {
                            o.put("version", opset.varint());
                        } else {
                            opset.skip((int) (t & 7));
                        }
                    }
                }
                case 14 -> {
                    ProtoReader entry = expect(model, wire, ProtoReader.LEN).message();
                    String key = "";
                    String value = "";
                    while (entry.more()) {
                        long t = entry.tag();
                        if (t >>> 3 == 1 && (t & 7) == ProtoReader.LEN) {
                            key = entry.string();
                        } else if (t >>> 3 == 2 && (t & 7) == ProtoReader.LEN) {
                            value = entry.string();
                        } else {
                            entry.skip((int) (t & 7));
                        }
                    }
                    props.put(key, value);
                }
                default -> model.skip(wire);
            }
        }
        if (!meta.has("irVersion") || !graphSeen) {
            throw bad("the file has no " + (graphSeen ? "ir_version" : "graph"));
        }
        if (graphName != null) {
            meta.put("graphName", graphName);
        }
        List<TensorSpec> specs = new ArrayList<>();
        VarintCache cache = new VarintCache();
        Set<String> names = new HashSet<>();
        for (List<Found> group : List.of(initializers, constants)) {
            for (Found f : group) {
                // the structure is refilled by name, so a name must say which tensor it is
                if (!f.name.isEmpty() && !names.add(f.name)) {
                    throw new UnsupportedFormatException("two stored tensors are named '" + f.name + "' (ONNX names "
                            + "a value once across the main graph and its subgraphs)");
                }
                specs.add(spec(f, mapped, cache));
            }
        }
        meta.put("initializers", initializers.size());
        meta.put("constants", constants.size());
        String name = ModelAtomizer.ownName(graphName);
        return new ModelAtomizer(DetectedFormat.ONNX, seg.byteSize(), name, meta, specs, limits, chunkRows, mapped,
                OnnxStructure.strip(seg));
    }

    private static ProtoReader expect(ProtoReader r, int wire, int expected) {
        if (wire != expected) {
            throw bad("a field has wire type " + wire + " where " + expected + " is expected");
        }
        return r;
    }

    /**
     * The graph's initializers and Constant values, then those of its subgraphs (the {@code g} / {@code graphs}
     * attributes of If, Loop, Scan …), depth first in node order: the order make-onnx-refs.py numbers them in, and
     * the tensors {@link OnnxStructure#strip} leaves out. Returns the graph's name.
     */
    private static String readGraph(ProtoReader g, List<Found> initializers, List<Found> constants) {
        String name = null;
        List<ProtoReader> subgraphs = new ArrayList<>();
        while (g.more()) {
            long tag = g.tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            switch (field) {
                case 1 -> readNode(expect(g, wire, ProtoReader.LEN).message(), constants, subgraphs);
                case 2 -> name = expect(g, wire, ProtoReader.LEN).string();
                case 5 -> initializers.add(readTensor(expect(g, wire, ProtoReader.LEN).message()));
                case 15 -> throw new UnsupportedFormatException("sparse initializers are not supported");
                default -> g.skip(wire);
            }
        }
        for (ProtoReader sub : subgraphs) {
            readGraph(sub, initializers, constants);
        }
        return name;
    }

    private static void readNode(ProtoReader n, List<Found> constants, List<ProtoReader> subgraphs) {
        String opType = "";
        String domain = "";
        String output = null;
        String nodeName = "";
        List<ProtoReader> attributes = new ArrayList<>();
        while (n.more()) {
            long tag = n.tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            switch (field) {
                case 2 -> {
                    String o = expect(n, wire, ProtoReader.LEN).string();
                    if (output == null) {
                        output = o;
                    }
                }
                case 3 -> nodeName = expect(n, wire, ProtoReader.LEN).string();
                case 4 -> opType = expect(n, wire, ProtoReader.LEN).string();
                case 7 -> domain = expect(n, wire, ProtoReader.LEN).string();
                case 5 -> {
                    long[] range = expect(n, wire, ProtoReader.LEN).bytes();
                    attributes.add(n.at(range));
                    graphAttributes(n.at(range), subgraphs);
                }
                default -> n.skip(wire);
            }
        }
        if (!opType.equals("Constant") || !(domain.isEmpty() || domain.equals("ai.onnx"))) {
            return;
        }
        String tensorName = output != null ? output : nodeName;
        for (ProtoReader a : attributes) {
            Found f = readConstantAttribute(a, tensorName);
            if (f != null) {
                constants.add(f);
            }
        }
    }

    /** The subgraphs an attribute holds: AttributeProto.g (6) and graphs (11). */
    private static void graphAttributes(ProtoReader a, List<ProtoReader> subgraphs) {
        while (a.more()) {
            long tag = a.tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (wire == ProtoReader.LEN && (field == 6 || field == 11)) {
                subgraphs.add(a.message());
            } else {
                a.skip(wire);
            }
        }
    }

    /** The Constant node's value as a tensor: value (t), value_float(s), value_int(s); strings/sparse refused. */
    private static Found readConstantAttribute(ProtoReader a, String tensorName) {
        String name = "";
        Found tensor = null;
        Found scalar = new Found();
        scalar.name = tensorName;
        while (a.more()) {
            long tag = a.tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            switch (field) {
                case 1 -> name = expect(a, wire, ProtoReader.LEN).string();
                case 5 -> tensor = readTensor(expect(a, wire, ProtoReader.LEN).message());
                case 2 -> { // f
                    long at = expect(a, wire, ProtoReader.FIXED32).position();
                    a.fixed32();
                    scalar.dataType = 1;
                    scalar.typedField = FLOAT_DATA;
                    scalar.typedWire = ProtoReader.FIXED32;
                    scalar.typed.add(new long[]{at, at + 4});
                }
                case 3 -> { // i
                    scalar.constantVarint = expect(a, wire, ProtoReader.VARINT).varint();
                    scalar.hasConstantVarint = true;
                    scalar.dataType = 7;
                }
                case 7 -> { // floats
                    scalar.dataType = 1;
                    scalar.typedField = FLOAT_DATA;
                    addTyped(a, wire, ProtoReader.FIXED32, scalar);
                }
                case 8 -> { // ints
                    scalar.dataType = 7;
                    scalar.typedField = INT64_DATA;
                    addTyped(a, wire, ProtoReader.VARINT, scalar);
                }
                default -> a.skip(wire);
            }
        }
        switch (name) {
            case "value" -> {
                if (tensor == null) {
                    throw bad("Constant " + tensorName + " has a value attribute without a tensor");
                }
                tensor.name = tensorName;
                return tensor;
            }
            case "value_float", "value_int" -> {
                return scalar; // a scalar: no dims
            }
            case "value_floats", "value_ints" -> {
                scalar.lengthFromData = true;
                return scalar;
            }
            case "sparse_value", "value_string", "value_strings" -> throw new UnsupportedFormatException(
                    "Constant " + tensorName + " holds a " + name + ", which is not supported");
            default -> {
                return null; // not a value attribute
            }
        }
    }

    private static Found readTensor(ProtoReader t) {
        Found f = new Found();
        while (t.more()) {
            long tag = t.tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            switch (field) {
                case 1 -> { // dims: packed or not
                    if (wire == ProtoReader.LEN) {
                        ProtoReader packed = t.message();
                        while (packed.more()) {
                            f.dims.add(packed.varint());
                        }
                    } else {
                        f.dims.add(expect(t, wire, ProtoReader.VARINT).varint());
                    }
                }
                case 2 -> f.dataType = expect(t, wire, ProtoReader.VARINT).varint();
                case 3 -> {
                    f.segmented = true;
                    t.skip(wire);
                }
                case 4 -> typed(t, wire, ProtoReader.FIXED32, FLOAT_DATA, f);
                case 5 -> typed(t, wire, ProtoReader.VARINT, INT32_DATA, f);
                case 6 -> {
                    f.strings = true;
                    t.skip(wire);
                }
                case 7 -> typed(t, wire, ProtoReader.VARINT, INT64_DATA, f);
                case 8 -> f.name = expect(t, wire, ProtoReader.LEN).string();
                case 9 -> f.raw = expect(t, wire, ProtoReader.LEN).bytes();
                case 10 -> typed(t, wire, ProtoReader.FIXED64, DOUBLE_DATA, f);
                case 11 -> typed(t, wire, ProtoReader.VARINT, 11, f); // uint64_data
                case 13 -> {
                    f.external = true;
                    t.skip(wire);
                }
                case 14 -> f.external |= expect(t, wire, ProtoReader.VARINT).varint() == 1;
                default -> t.skip(wire);
            }
        }
        return f;
    }

    private static void typed(ProtoReader t, int wire, int elementWire, int field, Found f) {
        if (!f.typed.isEmpty() && f.typedField != field) {
            throw bad("tensor " + f.name + " has values in two typed fields");
        }
        f.typedField = field;
        addTyped(t, wire, elementWire, f);
    }

    /** A repeated scalar field: packed (one LEN range) or one element per tag (its own range). */
    private static void addTyped(ProtoReader t, int wire, int elementWire, Found f) {
        f.typedWire = elementWire;
        if (wire == ProtoReader.LEN) {
            f.typed.add(t.bytes());
            return;
        }
        if (wire != elementWire) {
            throw bad("a repeated field has wire type " + wire + " where " + elementWire
                    + " is expected");
        }
        long at = t.position();
        t.skip(wire);
        f.typed.add(new long[]{at, t.position()});
    }

    private static long count(Found f) {
        long n = 0;
        for (long[] r : f.typed) {
            long bytes = r[1] - r[0];
            n += switch (f.typedWire) {
                case ProtoReader.FIXED32 -> bytes / 4;
                case ProtoReader.FIXED64 -> bytes / 8;
                default -> -1;
            };
        }
        return n;
    }

    private static TensorSpec spec(Found f, MappedFile mapped, VarintCache cache) {
        String name = f.name.isEmpty() ? "(unnamed)" : f.name;
        if (f.external) {
            throw new UnsupportedFormatException("tensor " + name + " stores its data outside the file"
                    + " (data_location = EXTERNAL), which is not supported: upload a self-contained ONNX file");
        }
        if (f.segmented) {
            throw new UnsupportedFormatException("tensor " + name + " is segmented, which is not supported");
        }
        DataType type = dataType(name, f.dataType);
        if (f.lengthFromData) {
            f.dims.add(f.typedWire == ProtoReader.VARINT ? varintCount(mapped.segment(), f.typed) : count(f));
        }
        for (long d : f.dims) {
            if (d < 0) {
                throw bad("tensor " + name + " has a negative dimension " + d);
            }
        }
        long elements = TensorSpec.elements(name, f.dims);
        MemorySegment seg = mapped.segment();
        TensorReader reader;
        long offset;
        if (f.hasConstantVarint) {
            long v = f.constantVarint;
            reader = (first, count, keys, out) -> keys[out] = v;
            offset = -1;
        } else if (f.raw != null) {
            if (!f.typed.isEmpty()) {
                throw bad("tensor " + name + " has both raw_data and typed values");
            }
            long bytes = f.raw[1] - f.raw[0];
            if (bytes != elements * type.bytes()) {
                throw bad("tensor " + name + " has " + bytes + " bytes of raw_data but shape " + f.dims
                        + " of " + type.name() + " needs " + elements * type.bytes());
            }
            reader = mapped.raw(f.raw[0], type.bytes());
            offset = f.raw[0];
        } else if (!f.typed.isEmpty()) {
            if (f.typedField != type.typedField()) {
                throw bad("tensor " + name + " of type " + type.name()
                        + " keeps its values in the wrong typed field (" + f.typedField + ")");
            }
            offset = f.typed.getFirst()[0];
            long found = f.typedWire == ProtoReader.VARINT ? varintCount(seg, f.typed) : count(f);
            if (found != elements) {
                throw bad("tensor " + name + " has " + found + " values but shape " + f.dims + " needs "
                        + elements);
            }
            if (f.typedWire != ProtoReader.VARINT && f.typed.size() == 1) {
                reader = mapped.raw(f.typed.getFirst()[0], f.typedWire == ProtoReader.FIXED32 ? 4 : 8);
            } else {
                long mask = type.bytes() == 8 ? -1L : (1L << (8 * type.bytes())) - 1;
                reader = cache.reader(seg, f.typed, f.typedWire, mask, elements);
            }
        } else {
            if (elements != 0) {
                throw bad("tensor " + name + " has shape " + f.dims + " but no data");
            }
            reader = (first, count, keys, out) -> {
            };
            offset = -1;
        }
        return new TensorSpec(name, f.dims, type.name(), type.storedAs(), elements, offset, reader);
    }

    /** Varints end at bytes without the continuation bit; a truncated last varint is caught by the reader. */
    private static long varintCount(MemorySegment seg, List<long[]> ranges) {
        long n = 0;
        for (long[] r : ranges) {
            for (long p = r[0]; p < r[1]; p++) {
                if ((seg.get(ValueLayout.JAVA_BYTE, p) & 0x80) == 0) {
                    n++;
                }
            }
            if (r[1] > r[0] && (seg.get(ValueLayout.JAVA_BYTE, r[1] - 1) & 0x80) != 0) {
                throw bad("a packed varint field ends inside a value");
            }
        }
        return n;
    }

    /**
     * Values that must be decoded sequentially (varints, non-packed fixed-width) are decoded once per tensor when its
     * rows are emitted. Two tensors' decoded values are kept: chunks atomized at once are neighbours in tensor order,
     * so besides the tensor at hand they need at most the one before or after it, and a chunk still reading the end
     * of a large tensor does not make it decode again because another chunk began the next. Shared by the chunks'
     * threads, hence synchronized (a decode holds the lock: the other chunk usually waits for the same tensor).
     */
    private static final class VarintCache {
        private List<long[]> owner;
        private long[] values;
        private List<long[]> previousOwner;
        private long[] previousValues;

        TensorReader reader(MemorySegment seg, List<long[]> ranges, int wire, long mask, long elements) {
            return (first, count, keys, out) -> System.arraycopy(values(seg, ranges, wire, mask, elements),
                    (int) first, keys, out, count);
        }

        private synchronized long[] values(MemorySegment seg, List<long[]> ranges, int wire, long mask,
                                           long elements) {
            if (owner != ranges) {
                long[] wanted = previousOwner == ranges ? previousValues
                        : decode(seg, ranges, wire, mask, elements);
                previousOwner = owner;
                previousValues = values;
                owner = ranges;
                values = wanted;
            }
            return values;
        }

        private static long[] decode(MemorySegment seg, List<long[]> ranges, int wire, long mask, long elements) {
            long[] v = new long[Math.toIntExact(elements)];
            int i = 0;
            for (long[] r : ranges) {
                ProtoReader p = new ProtoReader(seg, r[0], r[1]);
                while (p.more()) {
                    long x = switch (wire) {
                        case ProtoReader.FIXED32 -> p.fixed32() & 0xFFFFFFFFL;
                        case ProtoReader.FIXED64 -> p.fixed64();
                        default -> p.varint();
                    };
                    v[i++] = x & mask;
                }
            }
            return v;
        }
    }
}
