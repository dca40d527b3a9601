package io.hartonomous.api.inference;

import ai.onnxruntime.OrtSession;
import io.hartonomous.api.testing.Api;
import io.hartonomous.api.testing.Seed;
import io.hartonomous.api.testing.TestData;
import io.hartonomous.formats.onnx.OnnxDataType;
import io.hartonomous.formats.onnx.TensorProto;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.models.Model;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.hartonomous.api.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Silero VAD as the VAD npm package (@ricky0123/vad-web) ships it, stored the way an ingest stores it and run through
 * the API on a chunk of real speech (ALSA's "Front Center" resampled by sox to the model's 16 kHz in testdata/fetch),
 * given inline and as a window of a stored audio atom: each run equals ONNX Runtime on the original file with the
 * same samples, bit for bit. These models keep state between chunks (h/c, or one state tensor) and branch on the
 * sample rate with If nodes whose subgraphs hold weights of their own.
 */
@QuarkusTest
class SileroVadRunTest {
    static final int OFFSET = 8_000;
    static final int CHUNK = 512; // the chunk the package feeds at 16 kHz

    @Inject
    StorageEngine engine;

    static Path wav() {
        return TestData.file("audio/derived/s16-16k.wav");
    }

    /** The chunk's samples from sox's raw dump, scaled as the API scales pcm16 (s / 32768). */
    static float[] chunk() throws Exception {
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(Path.of(wav() + ".raw"))).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[CHUNK];
        for (int i = 0; i < CHUNK; i++) {
            out[i] = (float) (raw.getShort(2 * (OFFSET + i)) / 32768.0);
        }
        return out;
    }

    static TensorProto floats(List<Long> dims, float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return new TensorProto("", OnnxDataType.FLOAT, dims, b.array());
    }

    static TensorProto int64(long v) {
        return new TensorProto("", OnnxDataType.INT64, List.of(),
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    /** The model's inputs for the chunk: zero state (a first chunk), sr 16000. */
    static Map<String, TensorProto> inputs(String model, float[] chunk) {
        Map<String, TensorProto> in = new LinkedHashMap<>();
        in.put("input", floats(List.of(1L, (long) CHUNK), chunk));
        in.put("sr", int64(16_000));
        if (model.contains("legacy")) {
            in.put("h", floats(List.of(2L, 1L, 64L), new float[128]));
            in.put("c", floats(List.of(2L, 1L, 64L), new float[128]));
        } else {
            in.put("state", floats(List.of(2L, 1L, 128L), new float[256]));
        }
        return in;
    }

    void runsAsOnnxRuntime(String fileName) throws Exception {
        Path file = TestData.file("models/onnx/" + fileName);
        RunModelsTest.Tenant t = RunModelsTest.tenant("vad");
        long started = System.nanoTime();
        Model model = new Seed(engine).onnx(t.name(), file);
        long audio = new Seed(engine).audio(t.name(), wav());
        System.out.printf("SileroVadRunTest: stored %s and %s in %d ms%n", fileName, wav().getFileName(),
                (System.nanoTime() - started) / 1_000_000);
        Map<String, TensorProto> inputs = inputs(fileName, chunk());
        Map<String, byte[]> original;
        try (OrtSession session = OnnxFixtures.session(file)) {
            assertThat(session.getInputInfo().keySet()).containsExactlyInAnyOrderElementsOf(inputs.keySet());
            original = OnnxFixtures.run(session, inputs);
        }

        // (a) inline
        String inline = RunModelsTest.run(t, model.modelId(), RunModelsTest.body(inputs)).then().statusCode(200)
                .extract().asString();
        Map<String, OnnxFixtures.Output> outputs = OnnxFixtures.outputs(inline);
        assertThat(outputs.keySet()).containsExactlyElementsOf(original.keySet());
        original.forEach((name, bytes) -> assertThat(outputs.get(name).bytes()).as(name).isEqualTo(bytes));
        float probability = OnnxFixtures.floats(outputs.values().iterator().next().bytes())[0];
        assertThat(probability).isBetween(0f, 1f);

        // (b) the same chunk as a window of the stored audio atom
        Map<String, Object> body = new LinkedHashMap<>(RunModelsTest.body(inputs));
        @SuppressWarnings("unchecked")
        Map<String, Object> json = new LinkedHashMap<>((Map<String, Object>) body.get("inputs"));
        json.put("input", Map.of("atom", audio, "offset", OFFSET, "length", CHUNK, "sampleRate", 16_000));
        body.put("inputs", json);
        String fromAtom = RunModelsTest.run(t, model.modelId(), body).then().statusCode(200).extract().asString();
        Map<String, OnnxFixtures.Output> atomOutputs = OnnxFixtures.outputs(fromAtom);
        original.forEach((name, bytes) -> assertThat(atomOutputs.get(name).bytes()).as(name).isEqualTo(bytes));
        long inferenceId = OnnxFixtures.JSON.readTree(fromAtom).get("inferenceId").asLong();
        long units = inputs.values().stream().mapToLong(TensorProto::elementCount).sum();
        as(t.key()).when().get("/api/inference/" + inferenceId).then().statusCode(200)
                .body("status", equalTo("SUCCEEDED"), "units", equalTo((int) units),
                        "receipt.inputAtoms", contains((int) audio),
                        "receipt.modelAtomId", equalTo((int) model.parentAtomId()));

        // a window past the end, a bad length, another rate: 400s that say why
        long frames = Files.size(Path.of(wav() + ".raw")) / 2;
        problem(t, model, body, json, Map.of("atom", audio, "offset", frames + 1), "so offset is 0-" + frames);
        problem(t, model, body, json, Map.of("atom", audio, "offset", -1), "so offset is 0-" + frames);
        problem(t, model, body, json, Map.of("atom", audio, "offset", OFFSET, "length", 0), "length is 1-");
        problem(t, model, body, json, Map.of("atom", audio, "offset", frames - 10, "length", CHUNK),
                "from offset " + (frames - 10) + " length is 1-10, got " + CHUNK);
        problem(t, model, body, json, Map.of("atom", audio, "length", "long"), "length must be an integer");
        problem(t, model, body, json, Map.of("atom", audio, "length", CHUNK, "sampleRate", 8_000),
                "is 16000 Hz, not 8000 Hz");
    }

    private static void problem(RunModelsTest.Tenant t, Model model, Map<String, Object> body,
                                Map<String, Object> json, Map<String, Object> input, String detail) {
        Map<String, Object> bad = new LinkedHashMap<>(json);
        bad.put("input", input);
        Map<String, Object> b = new LinkedHashMap<>(body);
        b.put("inputs", bad);
        RunModelsTest.run(t, model.modelId(), b).then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString(detail));
    }

    @Test
    void theLegacySileroVadRunsAsOnnxRuntimeInlineAndOnAnAudioAtom() throws Exception {
        runsAsOnnxRuntime("silero_vad_legacy.onnx");
    }

    @Test
    void theV5SileroVadRunsAsOnnxRuntimeInlineAndOnAnAudioAtom() throws Exception {
        runsAsOnnxRuntime("silero_vad_v5.onnx");
    }
}
