package io.hartonomous.ingest.atomize.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.hartonomous.formats.onnx.OnnxStructure;
import io.hartonomous.ingest.atomize.AtomizedFile;
import io.hartonomous.ingest.atomize.Atomizers;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.ingest.atomize.Store;
import io.hartonomous.ingest.atomize.TestData;
import io.hartonomous.ingest.atomize.model.ModelAtomizer;
import io.hartonomous.ingest.atomize.model.TensorSpec;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.NewModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model reassembled from its structure and its stored tensors runs in ONNX Runtime exactly as the original file
 * does: same outputs, bit for bit, on the same inputs. The oracle is ONNX Runtime on the file nobody here wrote.
 */
class OnnxReassemblyTest {
    @TempDir
    static Path dir;
    static Store store;
    static OrtEnvironment env;

    @BeforeAll
    static void open() {
        store = new Store(dir.resolve("db"));
        env = OrtEnvironment.getEnvironment();
    }

    @AfterAll
    static void close() {
        store.close();
    }

    static Stream<Path> models() {
        return Stream.concat(TestData.files("models/onnx", ".onnx").stream(),
                TestData.files("models/onnx/libonnx", ".onnx").stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void theReassembledModelGivesTheOriginalsOutputs(Path file) throws Exception {
        byte[] original = Files.readAllBytes(file);
        try (AtomizedFile f = Atomizers.open(file, IngestLimits.DEFAULT)) {
            NewModel model = f.model().orElseThrow();
            byte[] reassembled = OnnxStructure.reassemble(model.structure(), stored(file, f));
            Map<String, byte[]> expected;
            try (OrtSession session = session(original)) {
                expected = run(session, seededInputs(session));
            } catch (OrtException e) {
                Assumptions.abort("ONNX Runtime cannot run the original file here: " + e.getMessage());
                return;
            }
            try (OrtSession session = session(reassembled)) {
                Map<String, byte[]> actual = run(session, seededInputs(session));
                assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
                for (var e : expected.entrySet()) {
                    assertThat(actual.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
                }
            }
        }
    }

    @Test
    void aTunedWeightChangesTheReassembledModel() throws Exception {
        Path file = TestData.file("models/onnx/libonnx/test_Conv1d.onnx");
        try (AtomizedFile f = Atomizers.open(file, IngestLimits.DEFAULT)) {
            NewModel model = f.model().orElseThrow();
            Map<String, byte[]> values = tensorsFromFile((ModelAtomizer) f);
            String first = model.layers().getFirst().name();
            byte[] tuned = values.get(first).clone();
            ByteBuffer.wrap(tuned).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, 1234.5f);
            Map<String, byte[]> changed = new HashMap<>(values);
            changed.put(first, tuned);
            try (OrtSession a = session(OnnxStructure.reassemble(model.structure(), values::get));
                 OrtSession b = session(OnnxStructure.reassemble(model.structure(), changed::get))) {
                Map<String, byte[]> before = run(a, seededInputs(a));
                Map<String, byte[]> after = run(b, seededInputs(b));
                assertThat(after.values().iterator().next()).isNotEqualTo(before.values().iterator().next());
            }
        }
    }

    /** Small models through the storage tier (real H2), large ones straight from the atomizer's tensor readers. */
    private static OnnxStructure.TensorData stored(Path file, AtomizedFile f) throws IOException {
        if (f.rows() > Store.H2_ROWS) {
            return tensorsFromFile((ModelAtomizer) f)::get;
        }
        Store.Ingested ingested = store.ingest(file, f, file.getFileName().toString());
        List<ModelLayer> layers = store.tenant().models().layers(ingested.modelId());
        Map<String, Integer> index = new HashMap<>();
        for (ModelLayer l : layers) {
            index.put(l.name(), l.layerIdx());
        }
        byte[] structure = store.tenant().models().structure(ingested.modelId()).orElseThrow();
        assertThat(structure).isEqualTo(f.model().orElseThrow().structure());
        return name -> store.tensorBytes(ingested.modelId(), index.get(name));
    }

    private static Map<String, byte[]> tensorsFromFile(ModelAtomizer f) {
        Map<String, byte[]> values = new HashMap<>();
        for (TensorSpec t : f.tensors()) {
            int width = width(t.dtype());
            ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(t.elements() * width));
            long[] keys = new long[1 << 16];
            for (long first = 0; first < t.elements(); first += keys.length) {
                int n = (int) Math.min(keys.length, t.elements() - first);
                t.reader().read(first, n, keys, 0);
                for (int i = 0; i < n; i++) {
                    for (int b = 0; b < width; b++) {
                        out.put((byte) (keys[i] >>> (8 * b)));
                    }
                }
            }
            values.put(t.name(), out.array());
        }
        return values;
    }

    private static int width(String dtype) {
        return switch (dtype) {
            case "UINT8", "INT8", "BOOL" -> 1;
            case "INT16", "FLOAT16", "BFLOAT16" -> 2;
            case "FLOAT", "INT32" -> 4;
            case "INT64", "DOUBLE" -> 8;
            default -> throw new IllegalArgumentException(dtype);
        };
    }

    private static OrtSession session(byte[] model) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        return env.createSession(model, options);
    }

    /** The same inputs for the same session inputs: seeded values, symbolic dimensions as 1. */
    private static Map<String, OnnxTensor> seededInputs(OrtSession session) throws OrtException {
        Random random = new Random(15);
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
            if (!(e.getValue().getInfo() instanceof TensorInfo info)) {
                Assumptions.abort("input " + e.getKey() + " is not a tensor");
                return inputs;
            }
            long[] shape = info.getShape().clone();
            long n = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shape[i] < 0 ? 1 : shape[i];
                n *= shape[i];
            }
            int count = Math.toIntExact(n);
            OnnxJavaType type = info.type;
            OnnxTensor tensor = switch (type) {
                case FLOAT -> {
                    float[] v = new float[count];
                    for (int i = 0; i < count; i++) {
                        v[i] = (float) random.nextGaussian();
                    }
                    yield OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(v), shape);
                }
                case DOUBLE -> {
                    double[] v = new double[count];
                    for (int i = 0; i < count; i++) {
                        v[i] = random.nextGaussian();
                    }
                    yield OnnxTensor.createTensor(env, java.nio.DoubleBuffer.wrap(v), shape);
                }
                case INT64 -> {
                    long[] v = new long[count];
                    for (int i = 0; i < count; i++) {
                        v[i] = random.nextInt(2);
                    }
                    yield OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(v), shape);
                }
                case INT32 -> {
                    int[] v = new int[count];
                    for (int i = 0; i < count; i++) {
                        v[i] = random.nextInt(2);
                    }
                    yield OnnxTensor.createTensor(env, java.nio.IntBuffer.wrap(v), shape);
                }
                default -> {
                    Assumptions.abort("input " + e.getKey() + " has type " + type);
                    yield null;
                }
            };
            inputs.put(e.getKey(), tensor);
        }
        return inputs;
    }

    /** Every output tensor's bytes. */
    private static Map<String, byte[]> run(OrtSession session, Map<String, OnnxTensor> inputs) throws OrtException {
        Map<String, byte[]> outputs = new LinkedHashMap<>();
        try (OrtSession.Result result = session.run(inputs)) {
            for (Map.Entry<String, OnnxValue> e : result) {
                if (e.getValue() instanceof OnnxTensor t) {
                    ByteBuffer b = t.getByteBuffer();
                    byte[] bytes = new byte[b.remaining()];
                    b.get(bytes);
                    outputs.put(e.getKey(), bytes);
                }
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
        return outputs;
    }
}
