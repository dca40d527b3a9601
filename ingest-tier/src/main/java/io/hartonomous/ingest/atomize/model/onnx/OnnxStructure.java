package io.hartonomous.ingest.atomize.model.onnx;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What running an ONNX model needs besides the tensors the atomizer stores: the ModelProto re-encoded with the data
 * of those tensors left out — the main graph's initializers and the {@code value} tensors of its Constant nodes keep
 * name, data_type and dims, lose raw_data and the typed data fields. Everything else (nodes, attributes, opsets,
 * inputs/outputs, value_info, functions, subgraphs) is copied byte for byte, so refilling the stripped tensors by
 * name gives back an equivalent model.
 */
public final class OnnxStructure {
    private OnnxStructure() {
    }

    // ModelProto.graph; GraphProto.node/initializer; NodeProto.op_type/domain/attribute; AttributeProto.t
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_DOMAIN = 7;
    private static final int ATTRIBUTE_TENSOR = 5;

    /** TensorProto fields that hold values: float/int32/string/int64 data, raw_data, double/uint64 data. */
    static boolean isTensorData(int field) {
        return switch (field) {
            case 4, 5, 6, 7, 9, 10, 11 -> true;
            default -> false;
        };
    }

    /** The structure of the ModelProto in {@code seg} (already validated by the atomizer's parse). */
    static byte[] strip(MemorySegment seg) {
        Out out = new Out();
        copyRewriting(seg, new ProtoReader(seg, 0, seg.byteSize()), out, MODEL_GRAPH, OnnxStructure::graph);
        return out.toByteArray();
    }

    private static byte[] graph(MemorySegment seg, ProtoReader g) {
        Out out = new Out();
        while (g.more()) {
            long start = g.position();
            long tag = g.tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (wire == ProtoReader.LEN && field == GRAPH_INITIALIZER) {
                out.message(field, tensor(seg, g.message()));
            } else if (wire == ProtoReader.LEN && field == GRAPH_NODE) {
                long[] range = g.bytes();
                if (isConstant(seg, range)) {
                    out.message(field, constantNode(seg, new ProtoReader(seg, range[0], range[1])));
                } else {
                    out.copy(seg, start, range[1]);
                }
            } else {
                g.skip(wire);
                out.copy(seg, start, g.position());
            }
        }
        return out.toByteArray();
    }

    /** A Constant of the default domain: its value tensor is one of the stored tensors. */
    private static boolean isConstant(MemorySegment seg, long[] range) {
        ProtoReader n = new ProtoReader(seg, range[0], range[1]);
        String opType = "";
        String domain = "";
        while (n.more()) {
            long tag = n.tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (wire == ProtoReader.LEN && field == NODE_OP_TYPE) {
                opType = n.string();
            } else if (wire == ProtoReader.LEN && field == NODE_DOMAIN) {
                domain = n.string();
            } else {
                n.skip(wire);
            }
        }
        return opType.equals("Constant") && (domain.isEmpty() || domain.equals("ai.onnx"));
    }

    private static byte[] constantNode(MemorySegment seg, ProtoReader n) {
        Out out = new Out();
        copyRewriting(seg, n, out, NODE_ATTRIBUTE, (s, attribute) -> {
            Out a = new Out();
            copyRewriting(s, attribute, a, ATTRIBUTE_TENSOR, OnnxStructure::tensor);
            return a.toByteArray();
        });
        return out.toByteArray();
    }

    private static byte[] tensor(MemorySegment seg, ProtoReader t) {
        Out out = new Out();
        while (t.more()) {
            long start = t.position();
            long tag = t.tag();
            int wire = (int) (tag & 7);
            t.skip(wire);
            if (!isTensorData((int) (tag >>> 3))) {
                out.copy(seg, start, t.position());
            }
        }
        return out.toByteArray();
    }

    private interface Rewrite {
        byte[] apply(MemorySegment seg, ProtoReader message);
    }

    /** Copies every field of {@code r}, rewriting the length-delimited fields numbered {@code field}. */
    private static void copyRewriting(MemorySegment seg, ProtoReader r, Out out, int field, Rewrite rewrite) {
        while (r.more()) {
            long start = r.position();
            long tag = r.tag();
            int wire = (int) (tag & 7);
            if (wire == ProtoReader.LEN && tag >>> 3 == field) {
                out.message(field, rewrite.apply(seg, r.message()));
            } else {
                r.skip(wire);
                out.copy(seg, start, r.position());
            }
        }
    }

    /** Protobuf output: verbatim byte ranges and re-encoded length-delimited fields. */
    private static final class Out extends ByteArrayOutputStream {
        void copy(MemorySegment seg, long from, long to) {
            byte[] bytes = seg.asSlice(from, to - from).toArray(ValueLayout.JAVA_BYTE);
            write(bytes, 0, bytes.length);
        }

        void message(int field, byte[] payload) {
            varint((long) field << 3 | ProtoReader.LEN);
            varint(payload.length);
            write(payload, 0, payload.length);
        }

        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            write((int) v);
        }
    }
}
