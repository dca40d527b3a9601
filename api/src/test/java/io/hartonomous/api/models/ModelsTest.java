package io.hartonomous.api.models;

import io.hartonomous.api.testing.Api;
import io.hartonomous.api.testing.Seed;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.StorageEngine;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.hartonomous.api.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
class ModelsTest {
    @Inject
    StorageEngine engine;

    /** A parsed .npy: its header dictionary and values. */
    record Npy(String header, float[] values) {
        static Npy parse(byte[] file) {
            assertThat(file[0]).isEqualTo((byte) 0x93);
            assertThat(new String(file, 1, 5, StandardCharsets.US_ASCII)).isEqualTo("NUMPY");
            assertThat(file[6]).isEqualTo((byte) 1);
            int headerLen = (file[8] & 0xFF) | (file[9] & 0xFF) << 8;
            assertThat((10 + headerLen) % 64).as("header padded to 64 bytes").isZero();
            String header = new String(file, 10, headerLen, StandardCharsets.US_ASCII);
            assertThat(header).endsWith("\n");
            ByteBuffer data = ByteBuffer.wrap(file, 10 + headerLen, file.length - 10 - headerLen)
                    .order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[data.remaining() / 4];
            for (int i = 0; i < values.length; i++) {
                values[i] = data.getFloat();
            }
            return new Npy(header.strip(), values);
        }
    }

    private record Loaded(String tenant, String key, Model model, float[] w, float[] half, float[] brain) {
    }

    private Loaded load() {
        String tenant = Api.newTenant("models");
        Random random = new Random(3);
        float[] w = new float[6];
        byte[][] wBytes = new byte[6][];
        for (int i = 0; i < 6; i++) {
            w[i] = random.nextFloat() - 0.5f + i;
            wBytes[i] = Seed.f32(w[i]);
        }
        float[] half = new float[12];
        byte[][] halfBytes = new byte[12][];
        for (int i = 0; i < 12; i++) {
            half[i] = Float.float16ToFloat(Float.floatToFloat16(random.nextFloat() * 8 - 4));
            halfBytes[i] = Seed.f16(half[i]);
        }
        float[] brain = new float[4];
        byte[][] brainBytes = new byte[4][];
        for (int i = 0; i < 4; i++) {
            brain[i] = Float.intBitsToFloat(Float.floatToRawIntBits(random.nextFloat() * 100) & 0xFFFF0000);
            brainBytes[i] = Seed.bf16(brain[i]);
        }
        Model model = new Seed(engine).model(tenant, "tiny-" + tenant, List.of(
                new Seed.Tensor("w", List.of(2L, 3L), "F32", "f32", wBytes),
                new Seed.Tensor("blk.0/attn.weight", List.of(2L, 2L, 3L), "F16", "f16", halfBytes),
                new Seed.Tensor("norm", List.of(4L), "BF16", "bf16", brainBytes),
                new Seed.Tensor("scale", List.of(), "F32", "f32", new byte[][] {Seed.f32(0.125f)})));
        return new Loaded(tenant, Api.keyFor(tenant, "query", "ingest"), model, w, half, brain);
    }

    private static Npy tensor(String key, long model, String name, Instant asOf) {
        var request = as(key);
        if (asOf != null) {
            request = request.queryParam("asOf", asOf.toString());
        }
        byte[] body = request.when().get("/api/models/" + model + "/tensors/" + name)
                .then().statusCode(200).contentType("application/x-npy").extract().asByteArray();
        return Npy.parse(body);
    }

    @Test
    void modelsTensorTableAndTensorsAsNpyFloat32() {
        Loaded m = load();
        long id = m.model().modelId();
        as(m.key()).when().get("/api/models").then().statusCode(200)
                .body("modelId", contains((int) id), "[0].tensorCount", equalTo(4), "[0].parameterCount", equalTo(23));
        as(m.key()).when().get("/api/models/" + id).then().statusCode(200)
                .body("metadata.'general.name'", equalTo(m.model().name()));
        as(m.key()).when().get("/api/models/" + id + "/tensors").then().statusCode(200)
                .body("name", contains("w", "blk.0/attn.weight", "norm", "scale"),
                        "[1].shape", contains(2, 2, 3), "[1].storedAs", equalTo("f16"));

        Npy w = tensor(m.key(), id, "w", null);
        assertThat(w.header()).isEqualTo("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
        assertThat(w.values()).containsExactly(m.w());
        Npy half = tensor(m.key(), id, "blk.0/attn.weight", null);
        assertThat(half.header()).contains("'shape': (2, 2, 3)");
        assertThat(half.values()).containsExactly(m.half());
        Npy norm = tensor(m.key(), id, "norm", null);
        assertThat(norm.header()).contains("'shape': (4,)");
        assertThat(norm.values()).containsExactly(m.brain());
        Npy scale = tensor(m.key(), id, "scale", null);
        assertThat(scale.header()).contains("'shape': ()");
        assertThat(scale.values()).containsExactly(0.125f);

        as(m.key()).when().get("/api/models/" + id + "/tensors/nope").then().statusCode(404)
                .body("detail", containsString("no tensor named 'nope'"));
        as(m.key()).queryParam("asOf", "2001-01-01T00:00:00Z").when().get("/api/models/" + id + "/tensors/w")
                .then().statusCode(404).body("detail", containsString("did not exist yet"));
        String other = Api.keyFor(Api.newTenant("models-other"), "query");
        as(other).when().get("/api/models/" + id + "/tensors").then().statusCode(404);
        as(other).when().get("/api/models/" + id + "/tensors/w").then().statusCode(404);
    }

    @Test
    void asOfSeesTheOldWeightsAndRollbackRestoresThem() throws Exception {
        Loaded m = load();
        long id = m.model().modelId();
        Thread.sleep(20);
        Instant before = Instant.now();
        Thread.sleep(20);
        as(m.key()).contentType(ContentType.JSON).body(Map.of("name", "before-tuning"))
                .when().post("/api/models/" + id + "/snapshots")
                .then().statusCode(201).body("name", equalTo("before-tuning"), "modelId", equalTo((int) id));
        as(m.key()).contentType(ContentType.JSON).body(Map.of("name", "before-tuning"))
                .when().post("/api/models/" + id + "/snapshots").then().statusCode(409);
        as(m.key()).when().get("/api/models/" + id + "/snapshots").then().statusCode(200)
                .body("name", hasItem("before-tuning"));

        as(m.key()).contentType(ContentType.JSON)
                .body(Map.of("updates", List.of(Map.of("index", List.of(0, 1), "value", 42),
                        Map.of("index", List.of(1, 2), "value", -7.0))))
                .when().patch("/api/models/" + id + "/tensors/w")
                .then().statusCode(200).body("requested", equalTo(2), "changed", equalTo(2), "tensor", equalTo("w"));

        float[] now = tensor(m.key(), id, "w", null).values();
        assertThat(now[1]).isEqualTo(42f);
        assertThat(now[5]).isEqualTo(-7f);
        assertThat(tensor(m.key(), id, "w", before).values()).containsExactly(m.w());

        as(m.key()).contentType(ContentType.JSON).body(Map.of("snapshot", "before-tuning", "dryRun", true))
                .when().post("/api/models/" + id + "/rollback")
                .then().statusCode(200).body("coefficientsChanged", equalTo(2), "dryRun", equalTo(true));
        assertThat(tensor(m.key(), id, "w", null).values()[1]).isEqualTo(42f);

        as(m.key()).contentType(ContentType.JSON).body(Map.of("snapshot", "before-tuning"))
                .when().post("/api/models/" + id + "/rollback")
                .then().statusCode(200).body("coefficientsChanged", equalTo(2), "dryRun", equalTo(false));
        assertThat(tensor(m.key(), id, "w", null).values()).containsExactly(m.w());
        // The rollback is history too: just before it, the tuned weights are what AS OF shows.
        as(m.key()).contentType(ContentType.JSON).body(Map.of("to", before.toString(), "dryRun", true))
                .when().post("/api/models/" + id + "/rollback")
                .then().statusCode(200).body("coefficientsChanged", equalTo(0));
        as(m.key()).contentType(ContentType.JSON).body(Map.of("to", Instant.now().plusSeconds(3600).toString()))
                .when().post("/api/models/" + id + "/rollback")
                .then().statusCode(400).body("detail", containsString("in the future"));
        as(m.key()).contentType(ContentType.JSON).body(Map.of("snapshot", "never-taken"))
                .when().post("/api/models/" + id + "/rollback").then().statusCode(404);
        String reader = Api.keyFor(m.tenant(), "query");
        as(reader).contentType(ContentType.JSON).body(Map.of("snapshot", "before-tuning"))
                .when().post("/api/models/" + id + "/rollback").then().statusCode(403);
    }

    @Test
    void weightUpdatesKeepTheTensorsPrecisionAndRefuseBadIndexes() {
        Loaded m = load();
        long id = m.model().modelId();
        String path = "/api/models/" + id + "/tensors/";
        // f16: 1 + 2^-10 is exact; bf16: 1 + 2^-8 lies halfway between 1 and 1 + 2^-7 and rounds to even (1.0).
        as(m.key()).contentType(ContentType.JSON)
                .body(Map.of("updates", List.of(Map.of("index", List.of(1, 0, 2), "value", 1.0009765625))))
                .when().patch(path + "blk.0/attn.weight").then().statusCode(200).body("changed", equalTo(1));
        as(m.key()).contentType(ContentType.JSON)
                .body(Map.of("updates", List.of(Map.of("index", List.of(2), "value", 1.00390625))))
                .when().patch(path + "norm").then().statusCode(200);
        as(m.key()).contentType(ContentType.JSON).body(Map.of("updates", List.of(Map.of("index", List.of(),
                "value", 2.5)))).when().patch(path + "scale").then().statusCode(200);
        float[] half = tensor(m.key(), id, "blk.0/attn.weight", null).values();
        assertThat(half[8]).isEqualTo(1.0009765625f);
        float[] expectedHalf = m.half().clone();
        expectedHalf[8] = 1.0009765625f;
        assertThat(half).containsExactly(expectedHalf);
        assertThat(tensor(m.key(), id, "norm", null).values()[2]).isEqualTo(1.0f);
        assertThat(tensor(m.key(), id, "scale", null).values()).containsExactly(2.5f);

        as(m.key()).contentType(ContentType.JSON).body(Map.of("updates", List.of(Map.of("index", List.of(1),
                "value", 1)))).when().patch(path + "w").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("must have 2 coordinates"));
        as(m.key()).contentType(ContentType.JSON).body(Map.of("updates", List.of(Map.of("index", List.of(2, 0),
                "value", 1)))).when().patch(path + "w").then().statusCode(400)
                .body("detail", containsString("outside shape [2, 3]"));
        as(m.key()).contentType(ContentType.JSON).body(Map.of("updates", List.of()))
                .when().patch(path + "w").then().statusCode(400).body("detail", containsString("updates"));
        as(m.key()).contentType(ContentType.JSON).body(Map.of("updates", List.of(Map.of("index", List.of(0, 0)))))
                .when().patch(path + "w").then().statusCode(400).body("detail", containsString("value"));
        as(m.key()).contentType(ContentType.JSON).body(Map.of("updates", List.of(Map.of("index", List.of(0, 0),
                "value", 1)))).when().patch(path + "nope").then().statusCode(404);
        as(Api.keyFor(m.tenant(), "query")).contentType(ContentType.JSON).body(Map.of("updates",
                List.of(Map.of("index", List.of(0, 0), "value", 1)))).when().patch(path + "w").then().statusCode(403);
        assertThat(tensor(m.key(), id, "w", null).values()).as("refused updates changed nothing")
                .containsExactly(m.w());
    }
}
