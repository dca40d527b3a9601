package io.hartonomous.formats.onnx;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What running an ONNX model needs besides the tensors the atomizer stores: the ModelProto re-encoded with the data
 * of those tensors left out — the initializers and the {@code value} tensors of Constant nodes of the main graph and
 * of every subgraph (the {@code g} / {@code graphs} attributes of If, Loop, Scan …, recursively) keep name, data_type
 * and dims, lose raw_data and the typed data fields. Everything else (nodes, attributes, opsets, inputs/outputs,
 * value_info, functions) is copied byte for byte, so refilling the stripped tensors by name gives back an equivalent
 * model. Names are unique across the graphs (ONNX's single-assignment rule; the atomizer refuses a model that breaks
 * it), so a name says which tensor it is.
 */
public final class OnnxStructure {
    private OnnxStructure() {
    }

    // field numbers of onnx.proto: ModelProto.graph; GraphProto.node/initializer; NodeProto; AttributeProto.t;
    // TensorProto.name/raw_data
    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_DOMAIN = 7;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int ATTRIBUTE_TENSOR = 5;
    private static final int ATTRIBUTE_GRAPH = 6;
    private static final int ATTRIBUTE_GRAPHS = 11;

    /** TensorProto fields that hold values: float/int32/string/int64 data, raw_data, double/uint64 data. */
    public static boolean isTensorData(int field) {
        return switch (field) {
            case 4, 5, 6, 7, 9, 10, 11 -> true;
            default -> false;
        };
    }

    /** The values of a stored tensor by its name (as the atomizer named it), little-endian, row-major. */
    @FunctionalInterface
    public interface TensorData {
        byte[] of(String tensorName);
    }

    /** The structure of the ModelProto in {@code seg} (a model the caller has validated, e.g. the atomizer's parse). */
    public static byte[] strip(MemorySegment seg) {
        return rewrite(seg, null);
    }

    /**
     * The runnable ModelProto: {@code structure} (from {@link #strip}) with every stripped tensor given its values as
     * raw_data. Tensors kept in Constant attributes other than {@code value} were never stripped and stay as they are.
     */
    public static byte[] reassemble(byte[] structure, TensorData data) {
        return rewrite(MemorySegment.ofArray(structure), data);
    }

    private static byte[] rewrite(MemorySegment seg, TensorData data) {
        Out out = new Out();
        copyRewriting(seg, new ProtoReader(seg, 0, seg.byteSize()), out, MODEL_GRAPH, g -> graph(seg, g, data));
        return out.toByteArray();
    }

    private static byte[] graph(MemorySegment seg, ProtoReader g, TensorData data) {
        Out out = new Out();
        while (g.more()) {
            long start = g.position();
            long tag = g.tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (wire == ProtoReader.LEN && field == GRAPH_INITIALIZER) {
                out.message(field, tensor(seg, g.message(), null, data));
            } else if (wire == ProtoReader.LEN && field == GRAPH_NODE) {
                long[] range = g.bytes();
                String constant = constantOutput(seg, range);
                ProtoReader node = new ProtoReader(seg, range[0], range[1]);
                out.message(field, constant != null ? constantNode(seg, node, constant, data)
                        : subgraphsOf(seg, node, data));
            } else {
                g.skip(wire);
                out.copy(seg, start, g.position());
            }
        }
        return out.toByteArray();
    }

    /**
     * The first output of a Constant of the default domain (its value tensor is stored under that name, as the
     * atomizer does), or null for any other node.
     */
    private static String constantOutput(MemorySegment seg, long[] range) {
        ProtoReader n = new ProtoReader(seg, range[0], range[1]);
        String opType = "";
        String domain = "";
        String output = null;
        String name = "";
        while (n.more()) {
            long tag = n.tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (wire == ProtoReader.LEN && field == NODE_OP_TYPE) {
                opType = n.string();
            } else if (wire == ProtoReader.LEN && field == NODE_DOMAIN) {
                domain = n.string();
            } else if (wire == ProtoReader.LEN && field == NODE_OUTPUT) {
                String o = n.string();
                output = output == null ? o : output;
            } else if (wire == ProtoReader.LEN && field == NODE_NAME) {
                name = n.string();
            } else {
                n.skip(wire);
            }
        }
        if (!opType.equals("Constant") || !(domain.isEmpty() || domain.equals("ai.onnx"))) {
            return null;
        }
        return output != null ? output : name;
    }

    /** A node with the tensors of the subgraphs in its attributes rewritten (any other node comes back unchanged). */
    private static byte[] subgraphsOf(MemorySegment seg, ProtoReader n, TensorData data) {
        Out out = new Out();
        copyRewriting(seg, n, out, NODE_ATTRIBUTE, attribute -> {
            Out a = new Out();
            while (attribute.more()) {
                long start = attribute.position();
                long tag = attribute.tag();
                int field = (int) (tag >>> 3);
                int wire = (int) (tag & 7);
                if (wire == ProtoReader.LEN && (field == ATTRIBUTE_GRAPH || field == ATTRIBUTE_GRAPHS)) {
                    a.message(field, graph(seg, attribute.message(), data));
                } else {
                    attribute.skip(wire);
                    a.copy(seg, start, attribute.position());
                }
            }
            return a.toByteArray();
        });
        return out.toByteArray();
    }

    private static byte[] constantNode(MemorySegment seg, ProtoReader n, String tensorName, TensorData data) {
        Out out = new Out();
        copyRewriting(seg, n, out, NODE_ATTRIBUTE, attribute -> {
            Out a = new Out();
            copyRewriting(seg, attribute, a, ATTRIBUTE_TENSOR, t -> tensor(seg, t, tensorName, data));
            return a.toByteArray();
        });
        return out.toByteArray();
    }

    /** The tensor without its value fields; with {@code data}, given its stored values as raw_data. */
    private static byte[] tensor(MemorySegment seg, ProtoReader t, String storedName, TensorData data) {
        Out out = new Out();
        String own = "";
        while (t.more()) {
            long start = t.position();
            long tag = t.tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == TENSOR_NAME && wire == ProtoReader.LEN) {
                own = t.string();
            } else {
                t.skip(wire);
            }
            if (!isTensorData(field)) {
                out.copy(seg, start, t.position());
            }
        }
        if (data != null) {
            String name = storedName != null ? storedName : own.isEmpty() ? "(unnamed)" : own;
            out.message(TENSOR_RAW_DATA, data.of(name));
        }
        return out.toByteArray();
    }

    private interface Rewrite {
        byte[] apply(ProtoReader message);
    }

    /** Copies every field of {@code r}, rewriting the length-delimited fields numbered {@code field}. */
    private static void copyRewriting(MemorySegment seg, ProtoReader r, Out out, int field, Rewrite rewrite) {
        while (r.more()) {
            long start = r.position();
            long tag = r.tag();
            int wire = (int) (tag & 7);
            if (wire == ProtoReader.LEN && tag >>> 3 == field) {
                out.message(field, rewrite.apply(r.message()));
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
