package io.hartonomous.ingest.atomize.model.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import io.hartonomous.formats.onnx.OnnxStructure;
import io.hartonomous.formats.onnx.ProtoReader;
import io.hartonomous.ingest.atomize.AtomizedFile;
import io.hartonomous.ingest.atomize.Atomizers;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.ingest.atomize.Json;
import io.hartonomous.ingest.atomize.Store;
import io.hartonomous.ingest.atomize.TestData;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.NewModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The structure kept beside an ONNX model's tensors, checked on files nobody here wrote against the files themselves:
 * the same nodes, inputs and outputs, the stored tensors by name, type and shape, none of their data.
 */
class OnnxStructureTest {
    @TempDir
    static Path dir;
    static Store store;

    @BeforeAll
    static void open() {
        store = new Store(dir.resolve("db"));
    }

    @AfterAll
    static void close() {
        store.close();
    }

    static Stream<Path> models() {
        return Stream.concat(TestData.files("models/onnx", ".onnx").stream(),
                TestData.files("models/onnx/libonnx", ".onnx").stream());
    }

    /** What the test reads from a ModelProto: the main graph's nodes, inputs, outputs and stored tensors. */
    private record Graph(List<String> ops, List<String> inputs, List<String> outputs, List<Tensor> tensors) {
    }

    private record Tensor(String name, long dataType, List<Long> dims, int dataFields) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void theStructureKeepsTheGraphAndDropsTheStoredTensorsData(Path file) throws IOException {
        try (AtomizedFile f = Atomizers.open(file, IngestLimits.DEFAULT)) {
            NewModel model = f.model().orElseThrow();
            byte[] structure = model.structure();
            assertThat(structure).isNotNull();
            Graph original = read(map(file));
            Graph kept = read(MemorySegment.ofArray(structure));

            assertThat(kept.ops()).isEqualTo(original.ops());
            assertThat(kept.inputs()).isEqualTo(original.inputs());
            assertThat(kept.outputs()).isEqualTo(original.outputs());
            assertThat(kept.tensors()).extracting(Tensor::name)
                    .isEqualTo(original.tensors().stream().map(Tensor::name).toList());
            for (int i = 0; i < kept.tensors().size(); i++) {
                Tensor k = kept.tensors().get(i);
                Tensor o = original.tensors().get(i);
                assertThat(k.dataType()).as(k.name()).isEqualTo(o.dataType());
                assertThat(k.dims()).as(k.name()).isEqualTo(o.dims());
                assertThat(k.dataFields()).as(k.name() + " keeps no data").isZero();
            }
            // every stored tensor with a TensorProto of its own is among them, by name and shape
            List<String> layerNames = model.layers().stream().map(ModelLayer::name).toList();
            for (Tensor t : kept.tensors()) {
                ModelLayer layer = model.layers().get(layerNames.indexOf(t.name()));
                assertThat(layer.shape()).as(t.name()).isEqualTo(t.dims());
            }
            long dataBytes = original.tensors().stream().mapToLong(Tensor::dataFields).sum();
            assertThat(structure.length).as("the structure is the file less its tensor data")
                    .isLessThanOrEqualTo((int) Files.size(file));
            if (dataBytes > 0 && Files.size(file) > 1_000_000) {
                assertThat(structure.length).isLessThan((int) (Files.size(file) / 10));
            }
            JsonNode meta = Json.MAPPER.readTree(f.metadataJson());
            assertThat(meta.get("runnable").asBoolean()).isTrue();
        }
    }

    @Test
    void theStructureIsStoredAndReadBackThroughTheStorageTier() throws IOException {
        Path file = TestData.file("models/onnx/libonnx/test_Conv1d.onnx");
        try (AtomizedFile f = Atomizers.open(file, IngestLimits.DEFAULT)) {
            byte[] structure = f.model().orElseThrow().structure();
            Store.Ingested ingested = store.ingest(file, f, "conv.onnx");
            assertThat(store.tenant().models().structure(ingested.modelId())).hasValueSatisfying(
                    read -> assertThat(read).isEqualTo(structure));
        }
    }

    @Test
    void safetensorsAndGgufKeepNoStructureAndSayWhy() throws IOException {
        for (String name : List.of("models/safetensors/types.safetensors", "models/gguf/types.gguf")) {
            Path file = TestData.file(name);
            try (AtomizedFile f = Atomizers.open(file, IngestLimits.DEFAULT)) {
                assertThat(f.model().orElseThrow().structure()).as(name).isNull();
                JsonNode meta = Json.MAPPER.readTree(f.model().orElseThrow().metadataJson());
                assertThat(meta.get("runnable").asBoolean()).as(name).isFalse();
                assertThat(meta.get("notRunnableReason").asText()).as(name)
                        .contains(name.endsWith(".gguf") ? "architecture" : "no graph");
                Store.Ingested ingested = store.ingest(file, f, file.getFileName().toString());
                assertThat(store.tenant().models().structure(ingested.modelId())).as(name).isEmpty();
            }
        }
    }

    private static MemorySegment map(Path file) throws IOException {
        return MemorySegment.ofArray(Files.readAllBytes(file));
    }

    private static Graph read(MemorySegment seg) {
        ProtoReader model = new ProtoReader(seg, 0, seg.byteSize());
        Graph graph = null;
        while (model.more()) {
            long tag = model.tag();
            if (tag >>> 3 == 7 && (tag & 7) == ProtoReader.LEN) {
                graph = graph(model.message());
            } else {
                model.skip((int) (tag & 7));
            }
        }
        assertThat(graph).as("a graph").isNotNull();
        return graph;
    }

    private static Graph graph(ProtoReader g) {
        List<String> ops = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        List<Tensor> initializers = new ArrayList<>();
        List<Tensor> constants = new ArrayList<>();
        while (g.more()) {
            long tag = g.tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (wire != ProtoReader.LEN) {
                g.skip(wire);
                continue;
            }
            switch (field) {
                case 1 -> node(g.message(), ops, constants);
                case 5 -> initializers.add(tensor(g.message(), null));
                case 11 -> inputs.add(valueInfoName(g.message()));
                case 12 -> outputs.add(valueInfoName(g.message()));
                default -> g.skip(wire);
            }
        }
        List<Tensor> tensors = new ArrayList<>(initializers);
        tensors.addAll(constants);
        return new Graph(ops, inputs, outputs, tensors);
    }

    private static void node(ProtoReader n, List<String> ops, List<Tensor> constants) {
        String op = "";
        String output = null;
        List<Tensor> values = new ArrayList<>();
        while (n.more()) {
            long tag = n.tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 4 && wire == ProtoReader.LEN) {
                op = n.string();
            } else if (field == 2 && wire == ProtoReader.LEN) {
                String o = n.string();
                output = output == null ? o : output;
            } else if (field == 5 && wire == ProtoReader.LEN) {
                ProtoReader a = n.message();
                while (a.more()) {
                    long t = a.tag();
                    if (t >>> 3 == 5 && (t & 7) == ProtoReader.LEN) {
                        values.add(tensor(a.message(), null));
                    } else {
                        a.skip((int) (t & 7));
                    }
                }
            } else {
                n.skip(wire);
            }
        }
        ops.add(op);
        if (op.equals("Constant")) {
            for (Tensor v : values) {
                constants.add(new Tensor(output, v.dataType(), v.dims(), v.dataFields()));
            }
        }
    }

    /** A TensorProto; dataFields counts the bytes of its value fields. */
    private static Tensor tensor(ProtoReader t, String name) {
        long dataType = 0;
        List<Long> dims = new ArrayList<>();
        int data = 0;
        String own = "";
        while (t.more()) {
            long tag = t.tag();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 1 && wire == ProtoReader.VARINT) {
                dims.add(t.varint());
            } else if (field == 1 && wire == ProtoReader.LEN) {
                ProtoReader packed = t.message();
                while (packed.more()) {
                    dims.add(packed.varint());
                }
            } else if (field == 2 && wire == ProtoReader.VARINT) {
                dataType = t.varint();
            } else if (field == 8 && wire == ProtoReader.LEN) {
                own = t.string();
            } else {
                long before = t.position();
                t.skip(wire);
                if (OnnxStructure.isTensorData(field)) {
                    data += (int) (t.position() - before);
                }
            }
        }
        return new Tensor(name != null ? name : own, dataType, dims, data);
    }

    private static String valueInfoName(ProtoReader v) {
        while (v.more()) {
            long tag = v.tag();
            if (tag >>> 3 == 1 && (tag & 7) == ProtoReader.LEN) {
                return v.string();
            }
            v.skip((int) (tag & 7));
        }
        return "";
    }
}
