package io.hartonomous.formats.onnx;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One ONNX TensorProto decoded: its name, element type, dims (outermost first) and values as row-major
 * little-endian bytes of the element type, whether the file kept them in raw_data or in a typed field (the spec's
 * mapping: float_data, int32_data for every type of 32 bits or fewer but FLOAT, int64_data, double_data,
 * uint64_data for UINT32/UINT64). Test data sets ({@code input_0.pb}) are TensorProtos, so are initializers.
 */
public record TensorProto(String name, OnnxDataType dataType, List<Long> dims, byte[] data) {
    private static final int DIMS = 1;
    private static final int DATA_TYPE = 2;
    private static final int SEGMENT = 3;
    private static final int STRING_DATA = 6;
    private static final int NAME = 8;
    private static final int RAW_DATA = 9;
    private static final int EXTERNAL_DATA = 13;
    private static final int DATA_LOCATION = 14;

    public TensorProto {
        dims = List.copyOf(dims);
    }

    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public static TensorProto parse(byte[] message) {
        MemorySegment seg = MemorySegment.ofArray(message);
        return parse(new ProtoReader(seg, 0, seg.byteSize()), seg);
    }

    /** Decodes the TensorProto {@code r} reads from {@code seg}. */
    public static TensorProto parse(ProtoReader r, MemorySegment seg) {
        String name = "";
        long typeId = 0;
        List<Long> dims = new ArrayList<>();
        long[] raw = null;
        int typedField = 0;
        List<long[]> typed = new ArrayList<>();
        List<Integer> typedWires = new ArrayList<>();
        while (r.more()) {
            long tag = r.tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            switch (field) {
                case DIMS -> {
                    if (wire == ProtoReader.LEN) {
                        ProtoReader packed = r.message();
                        while (packed.more()) {
                            dims.add(packed.varint());
                        }
                    } else {
                        dims.add(r.varint());
                    }
                }
                case DATA_TYPE -> typeId = r.varint();
                case NAME -> name = r.string();
                case RAW_DATA -> raw = r.bytes();
                case SEGMENT, STRING_DATA, EXTERNAL_DATA -> throw ProtoReader.bad("tensor " + name
                        + " is segmented, holds strings or keeps its data outside the message");
                case DATA_LOCATION -> {
                    if (r.varint() == 1) {
                        throw ProtoReader.bad("tensor " + name + " keeps its data outside the message");
                    }
                }
                default -> {
                    if (OnnxStructure.isTensorData(field)) {
                        if (typedField != 0 && typedField != field) {
                            throw ProtoReader.bad("tensor " + name + " has values in two typed fields");
                        }
                        typedField = field;
                        long at = r.position();
                        r.skip(wire);
                        typed.add(new long[]{at, r.position()}); // a LEN range keeps its length prefix
                        typedWires.add(wire);
                    } else {
                        r.skip(wire);
                    }
                }
            }
        }
        OnnxDataType type = OnnxDataType.ofId(typeId);
        if (type == null) {
            throw ProtoReader.bad("tensor " + name + " has data type " + typeId + ", which has no fixed width here");
        }
        for (long d : dims) {
            if (d < 0) {
                throw ProtoReader.bad("tensor " + name + " has a negative dimension " + d);
            }
        }
        TensorProto shapeOnly = new TensorProto(name, type, dims, new byte[0]);
        long count = shapeOnly.elementCount();
        long bytes = Math.multiplyExact(count, type.bytes());
        if (bytes > Integer.MAX_VALUE - 8) {
            throw ProtoReader.bad("tensor " + name + " has " + bytes + " bytes, more than one array holds");
        }
        byte[] data;
        if (raw != null) {
            if (!typed.isEmpty()) {
                throw ProtoReader.bad("tensor " + name + " has both raw_data and typed values");
            }
            if (raw[1] - raw[0] != bytes) {
                throw ProtoReader.bad("tensor " + name + " has " + (raw[1] - raw[0]) + " bytes of raw_data but "
                        + "shape " + dims + " of " + type.wireName() + " needs " + bytes);
            }
            data = seg.asSlice(raw[0], bytes).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        } else {
            if (typedField != 0 && typedField != type.typedField()) {
                throw ProtoReader.bad("tensor " + name + " of type " + type.wireName()
                        + " keeps its values in the wrong typed field (" + typedField + ")");
            }
            data = typedValues(seg, typed, typedWires, type, (int) count, name);
        }
        return new TensorProto(name, type, dims, data);
    }

    /** Decodes the typed field's values (each range: one tag's payload, packed or a single element). */
    private static byte[] typedValues(MemorySegment seg, List<long[]> ranges, List<Integer> wires, OnnxDataType type,
                                      int count, String name) {
        ByteBuffer out = ByteBuffer.allocate(count * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        int elementWire = switch (type.typedField()) {
            case OnnxDataType.Field.FLOAT_DATA -> ProtoReader.FIXED32;
            case OnnxDataType.Field.DOUBLE_DATA -> ProtoReader.FIXED64;
            default -> ProtoReader.VARINT;
        };
        int n = 0;
        for (int i = 0; i < ranges.size(); i++) {
            long[] range = ranges.get(i);
            ProtoReader p = new ProtoReader(seg, range[0], range[1]);
            if (wires.get(i) == ProtoReader.LEN) {
                p = p.message();
            } else if (wires.get(i) != elementWire) {
                throw ProtoReader.bad("tensor " + name + " has a value of wire type " + wires.get(i));
            }
            while (p.more()) {
                long v = switch (elementWire) {
                    case ProtoReader.FIXED32 -> p.fixed32() & 0xFFFFFFFFL;
                    case ProtoReader.FIXED64 -> p.fixed64();
                    default -> p.varint();
                };
                if (n++ >= count) {
                    throw ProtoReader.bad("tensor " + name + " has more values than its shape holds");
                }
                for (int b = 0; b < type.bytes(); b++) {
                    out.put((byte) (v >>> (8 * b)));
                }
            }
        }
        if (n != count) {
            throw ProtoReader.bad("tensor " + name + " has " + n + " values but its shape needs " + count);
        }
        return out.array();
    }
}
