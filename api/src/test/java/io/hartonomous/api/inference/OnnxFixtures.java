package io.hartonomous.api.inference;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.api.testing.TestData;
import io.hartonomous.formats.onnx.OnnxDataType;
import io.hartonomous.formats.onnx.TensorProto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Real ONNX files and their test data from Debian's libonnx-testdata (fetched by testdata/fetch): each model's
 * {@code test_data_set_0/input_*.pb} and {@code output_*.pb} (TensorProtos: the oracle), ONNX Runtime on the original
 * file in this JVM (the second oracle), and the run API's JSON both ways.
 */
final class OnnxFixtures {
    /** Reads JSON numbers as BigDecimal, so a float32 value's text parses back to exactly that float. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private OnnxFixtures() {
    }

    static Path libonnx(String name) {
        return TestData.file("models/onnx/libonnx/" + name + ".onnx");
    }

    /** The libonnx-testdata folder {@code <suite>/<name>/test_data_set_0} as testdata/fetch unpacked it. */
    static Path dataSet(String name) throws IOException {
        Path root = TestData.cache().resolve("downloads/libonnx-testdata-root/usr/share/libonnx-testdata/data");
        try (Stream<Path> suites = Files.list(root)) {
            return suites.map(s -> s.resolve(name).resolve("test_data_set_0")).filter(Files::isDirectory)
                    .findFirst().orElseThrow(() -> new IllegalStateException("no test data set for " + name
                            + " under " + root + ": run testdata/fetch"));
        }
    }

    static List<TensorProto> protos(String name, String prefix) throws IOException {
        List<TensorProto> out = new ArrayList<>();
        for (int i = 0; ; i++) {
            Path pb = dataSet(name).resolve(prefix + "_" + i + ".pb");
            if (!Files.exists(pb)) {
                return out;
            }
            out.add(TensorProto.parse(Files.readAllBytes(pb)));
        }
    }

    /** A session on the original file, as the API makes its sessions (one intra-op thread). */
    static OrtSession session(Path file) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            return OrtEnvironment.getEnvironment().createSession(file.toString(), options);
        }
    }

    /** The data set's inputs by the model's input names (a .pb without a name is the input at its position). */
    static Map<String, TensorProto> inputs(OrtSession session, List<TensorProto> protos) throws OrtException {
        List<String> names = new ArrayList<>(session.getInputInfo().keySet());
        Map<String, TensorProto> inputs = new LinkedHashMap<>();
        for (int i = 0; i < protos.size(); i++) {
            TensorProto p = protos.get(i);
            String name = p.name().isEmpty() || !names.contains(p.name()) ? names.get(i) : p.name();
            inputs.put(name, p);
        }
        return inputs;
    }

    /** The run API's JSON for an input: {dtype, shape, data}. */
    static Map<String, Object> json(TensorProto t) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("dtype", t.dataType().wireName());
        input.put("shape", t.dims());
        input.put("data", values(t.dataType(), t.data()));
        return input;
    }

    private static List<Object> values(OnnxDataType type, byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        List<Object> out = new ArrayList<>();
        while (b.hasRemaining()) {
            out.add(switch (type) {
                case FLOAT -> b.getFloat();
                case DOUBLE -> b.getDouble();
                case INT64 -> b.getLong();
                case INT32 -> b.getInt();
                case INT8 -> (int) b.get();
                case UINT8 -> b.get() & 0xFF;
                case BOOL -> b.get() != 0;
                default -> throw new IllegalArgumentException("no JSON for " + type + " in these tests");
            });
        }
        return out;
    }

    /** ONNX Runtime's outputs on {@code inputs} as little-endian bytes, by output name. */
    static Map<String, byte[]> run(OrtSession session, Map<String, TensorProto> inputs) throws OrtException {
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, TensorProto> e : inputs.entrySet()) {
                TensorProto t = e.getValue();
                ByteBuffer direct = ByteBuffer.allocateDirect(t.data().length).order(ByteOrder.nativeOrder());
                direct.put(t.data()).flip();
                tensors.put(e.getKey(), OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), direct,
                        t.dims().stream().mapToLong(Long::longValue).toArray(), javaType(t.dataType())));
            }
            return runTensors(session, tensors);
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    /** ONNX Runtime's outputs on ready tensors (not closed here). */
    static Map<String, byte[]> runTensors(OrtSession session, Map<String, OnnxTensor> tensors) throws OrtException {
        Map<String, byte[]> outputs = new LinkedHashMap<>();
        try (OrtSession.Result result = session.run(tensors)) {
            for (Map.Entry<String, OnnxValue> e : result) {
                ByteBuffer b = ((OnnxTensor) e.getValue()).getByteBuffer();
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                outputs.put(e.getKey(), bytes);
            }
        }
        return outputs;
    }

    private static OnnxJavaType javaType(OnnxDataType t) {
        return switch (t) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            case INT64 -> OnnxJavaType.INT64;
            case INT32 -> OnnxJavaType.INT32;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case BOOL -> OnnxJavaType.BOOL;
            default -> throw new IllegalArgumentException(t.toString());
        };
    }

    /** One output of a run answer: its dtype, shape and values as little-endian bytes. */
    record Output(String dtype, List<Long> shape, byte[] bytes) {
    }

    /** The outputs of a run answer (the response body). */
    static Map<String, Output> outputs(String body) throws IOException {
        JsonNode root = JSON.readTree(body);
        Map<String, Output> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.get("outputs").properties()) {
            JsonNode o = e.getValue();
            OnnxDataType type = OnnxDataType.ofName(o.get("dtype").asText());
            List<Long> shape = new ArrayList<>();
            o.get("shape").forEach(d -> shape.add(d.asLong()));
            ByteBuffer b = ByteBuffer.allocate(o.get("data").size() * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            for (JsonNode v : o.get("data")) {
                switch (type) {
                    case FLOAT -> b.putFloat(v.isTextual() ? Float.parseFloat(v.asText())
                            : Float.parseFloat(v.decimalValue().toString()));
                    case DOUBLE -> b.putDouble(v.isTextual() ? Double.parseDouble(v.asText())
                            : Double.parseDouble(v.decimalValue().toString()));
                    case INT64 -> b.putLong(v.asLong());
                    case INT32 -> b.putInt(v.asInt());
                    case INT8, UINT8 -> b.put((byte) v.asInt());
                    case BOOL -> b.put(v.asBoolean() ? (byte) 1 : 0);
                    default -> throw new IllegalArgumentException("no JSON for " + type + " in these tests");
                }
            }
            out.put(e.getKey(), new Output(type.wireName(), shape, b.array()));
        }
        return out;
    }

    /** Float32 values of little-endian bytes. */
    static float[] floats(byte[] bytes) {
        float[] v = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }
}
