package io.hartonomous.formats.onnx;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Strip and reassemble on ONNX files nobody here wrote, checked against python3-onnx's decoding of the same files:
 * the structure keeps every stored tensor's name, type and dims and none of its values; refilled with the reference
 * values, every stored tensor decodes to exactly those values, and stripping the result gives the same structure.
 */
class OnnxStructureTest {
    static Stream<Path> models() {
        return Stream.concat(TestData.files("models/onnx", ".onnx").stream(),
                TestData.files("models/onnx/libonnx", ".onnx").stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void reassemblingTheStructureWithTheReferenceValuesGivesThoseValuesBack(Path file) throws IOException {
        Map<String, TestData.Ref> refs = TestData.refs(file);
        Assumptions.assumeTrue(refs != null, "the references skip a tensor of an unsupported type");
        byte[] original = Files.readAllBytes(file);
        byte[] structure = OnnxStructure.strip(MemorySegment.ofArray(original));
        assertThat(structure.length).isLessThanOrEqualTo(original.length);

        // Constants given by value_float/value_int(s) keep their values in the structure (they are attributes, not
        // tensors): every other reference tensor is among the stripped ones
        Map<String, TensorProto> kept = storedTensors(structure);
        assertThat(kept).isNotEmpty();
        assertThat(refs.keySet()).containsAll(kept.keySet());
        kept.values().forEach(t -> assertThat(t.data()).as(t.name() + " keeps no values").isEmpty());

        byte[] model = OnnxStructure.reassemble(structure, name -> refs.get(name).data());
        Map<String, TensorProto> refilled = storedTensors(model);
        assertThat(refilled.keySet()).containsExactlyElementsOf(kept.keySet());
        for (TensorProto t : refilled.values()) {
            TestData.Ref ref = refs.get(t.name());
            assertThat(t.dims()).as(t.name()).isEqualTo(ref.shape());
            assertThat(t.data()).as(t.name()).isEqualTo(ref.data());
        }
        assertThat(OnnxStructure.strip(MemorySegment.ofArray(model))).isEqualTo(structure);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void theDecoderReadsEveryStoredTensorOfTheOriginalAsTheReferenceDoes(Path file) throws IOException {
        Map<String, TestData.Ref> refs = TestData.refs(file);
        Assumptions.assumeTrue(refs != null, "the references skip a tensor of an unsupported type");
        for (TensorProto t : storedTensors(Files.readAllBytes(file)).values()) {
            TestData.Ref ref = refs.get(t.name());
            assertThat(ref).as(t.name()).isNotNull();
            assertThat(t.dims()).as(t.name()).isEqualTo(ref.shape());
            assertThat(t.data()).as(t.name() + " (" + t.dataType() + ")").isEqualTo(ref.data());
        }
    }

    /**
     * Silero VAD keeps most of its weights inside If branches (legacy: initializers, v5: Constant nodes): they leave
     * the structure as the main graph's do, so what is left is the graph, kilobytes, not the megabytes of weights.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"silero_vad_legacy.onnx", "silero_vad_v5.onnx"})
    void weightsInsideSubgraphsLeaveTheStructure(String name) throws IOException {
        Path file = TestData.cache().resolve("models/onnx/" + name);
        byte[] original = Files.readAllBytes(file);
        byte[] structure = OnnxStructure.strip(MemorySegment.ofArray(original));
        Map<String, TensorProto> stripped = storedTensors(structure);
        assertThat(stripped.size()).as("tensors left out").isGreaterThan(250);
        stripped.values().forEach(t -> assertThat(t.data()).as(t.name() + " keeps no values").isEmpty());
        assertThat(structure.length).as("structure bytes of " + original.length).isLessThan(original.length / 4);
    }

    /**
     * Every graph's initializers, then the {@code value} tensors of every graph's Constant nodes named after the
     * node's output (the main graph, then its subgraphs depth first in node order), decoded with
     * {@link TensorProto#parse} (a stripped tensor decodes with no values, hence the shape-only read when its data is
     * missing).
     */
    static Map<String, TensorProto> storedTensors(byte[] model) {
        MemorySegment seg = MemorySegment.ofArray(model);
        ProtoReader m = new ProtoReader(seg, 0, seg.byteSize());
        Map<String, TensorProto> initializers = new LinkedHashMap<>();
        Map<String, TensorProto> constants = new LinkedHashMap<>();
        while (m.more()) {
            long tag = m.tag();
            if (tag >>> 3 != 7 || (tag & 7) != ProtoReader.LEN) {
                m.skip((int) (tag & 7));
                continue;
            }
            graph(m.message(), seg, initializers, constants);
        }
        initializers.putAll(constants);
        return initializers;
    }

    private static void graph(ProtoReader g, MemorySegment seg, Map<String, TensorProto> initializers,
                              Map<String, TensorProto> constants) {
        List<ProtoReader> subgraphs = new ArrayList<>();
        while (g.more()) {
            long t = g.tag();
            int field = (int) (t >>> 3);
            if (field == 5 && (t & 7) == ProtoReader.LEN) {
                TensorProto tensor = tensor(g.bytes(), seg, null);
                initializers.put(tensor.name(), tensor);
            } else if (field == 1 && (t & 7) == ProtoReader.LEN) {
                constant(g.message(), seg, constants, subgraphs);
            } else {
                g.skip((int) (t & 7));
            }
        }
        for (ProtoReader sub : subgraphs) {
            graph(sub, seg, initializers, constants);
        }
    }

    private static void constant(ProtoReader n, MemorySegment seg, Map<String, TensorProto> into,
                                 List<ProtoReader> subgraphs) {
        String op = "";
        String domain = "";
        String output = null;
        List<long[]> valueTensors = new ArrayList<>();
        while (n.more()) {
            long tag = n.tag();
            int field = (int) (tag >>> 3);
            if (field == 4) {
                op = n.string();
            } else if (field == 7) {
                domain = n.string();
            } else if (field == 2) {
                String o = n.string();
                output = output == null ? o : output;
            } else if (field == 5 && (tag & 7) == ProtoReader.LEN) {
                ProtoReader a = n.message();
                String name = "";
                long[] tensor = null;
                while (a.more()) {
                    long t = a.tag();
                    if (t >>> 3 == 1) {
                        name = a.string();
                    } else if (t >>> 3 == 5 && (t & 7) == ProtoReader.LEN) {
                        tensor = a.bytes();
                    } else if ((t >>> 3 == 6 || t >>> 3 == 11) && (t & 7) == ProtoReader.LEN) {
                        subgraphs.add(a.message());
                    } else {
                        a.skip((int) (t & 7));
                    }
                }
                if (name.equals("value") && tensor != null) {
                    valueTensors.add(tensor);
                }
            } else {
                n.skip((int) (tag & 7));
            }
        }
        if (op.equals("Constant") && (domain.isEmpty() || domain.equals("ai.onnx"))) {
            for (long[] range : valueTensors) {
                into.put(output, tensor(range, seg, output));
            }
        }
    }

    private static TensorProto tensor(long[] range, MemorySegment seg, String name) {
        TensorProto t;
        try {
            t = TensorProto.parse(new ProtoReader(seg, range[0], range[1]), seg);
        } catch (OnnxFormatException noValues) { // a stripped tensor: its shape and type without values
            t = shapeOnly(new ProtoReader(seg, range[0], range[1]));
        }
        return name == null ? t : new TensorProto(name, t.dataType(), t.dims(), t.data());
    }

    private static TensorProto shapeOnly(ProtoReader r) {
        String name = "";
        long type = 0;
        List<Long> dims = new ArrayList<>();
        while (r.more()) {
            long tag = r.tag();
            int field = (int) (tag >>> 3);
            if (field == 1 && (tag & 7) == ProtoReader.VARINT) {
                dims.add(r.varint());
            } else if (field == 1) {
                ProtoReader packed = r.message();
                while (packed.more()) {
                    dims.add(packed.varint());
                }
            } else if (field == 2) {
                type = r.varint();
            } else if (field == 8) {
                name = r.string();
            } else {
                r.skip((int) (tag & 7));
            }
        }
        return new TensorProto(name, OnnxDataType.ofId(type), dims, new byte[0]);
    }
}
