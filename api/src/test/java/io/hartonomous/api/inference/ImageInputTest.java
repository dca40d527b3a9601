package io.hartonomous.api.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.hartonomous.api.testing.Api;
import io.hartonomous.api.testing.Seed;
import io.hartonomous.api.testing.TestData;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.models.Model;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.hartonomous.api.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

/**
 * An image atom as a model's input: PaddleOCR's text-direction classifier (input [?, 3, ?, ?], from the npm package)
 * run through the API on PngSuite images stored as atoms, against ONNX Runtime on the original file fed with the same
 * images as the JDK's ImageIO decodes them from the original PNGs, bit for bit.
 */
@QuarkusTest
class ImageInputTest {
    static final String MODEL = "models/onnx/ch_ppocr_mobile_v2.0_cls_infer.onnx";

    @Inject
    StorageEngine engine;

    String tenant;
    String key;
    Model model;

    @BeforeEach
    void seed() throws Exception {
        tenant = Api.newTenant("image-input");
        key = Api.keyFor(tenant, "query");
        model = new Seed(engine).onnx(tenant, TestData.file(MODEL));
    }

    private String run(Map<String, Object> input) {
        return as(key).contentType(ContentType.JSON).body(Map.of("inputs", Map.of("x", input)))
                .when().post("/api/models/" + model.modelId() + "/run").then().statusCode(200).extract().asString();
    }

    /** ONNX Runtime on the original file, fed ImageIO's decoding: (v * scale - mean) / std, CHW. */
    private static byte[] oracle(Path png, float scale, float[] mean, float[] std) throws Exception {
        BufferedImage image = ImageIO.read(png.toFile());
        Raster raster = image.getRaster();
        int w = image.getWidth();
        int h = image.getHeight();
        float[] chw = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = raster.getSample(x, y, c) * scale;
                    chw[c * w * h + y * w + x] = (v - mean[c]) / std[c];
                }
            }
        }
        try (OrtSession session = OnnxFixtures.session(TestData.file(MODEL));
             OnnxTensor x = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(chw),
                     new long[]{1, 3, h, w})) {
            return OnnxFixtures.runTensors(session, Map.of("x", x)).values().iterator().next();
        }
    }

    private static byte[] output(String answer) throws Exception {
        return OnnxFixtures.outputs(answer).values().iterator().next().bytes();
    }

    @Test
    void anEightBitImageAtomIsItsRgbPlanesScaledBy1Over255() throws Exception {
        Path png = TestData.file("images/pngsuite/basic/basn2c08.png");
        long atom = new Seed(engine).image(tenant, png);
        String answer = run(Map.of("atom", atom));
        assertThat(output(answer)).isEqualTo(oracle(png, 1f / 255, new float[3], new float[]{1, 1, 1}));
        long inferenceId = OnnxFixtures.JSON.readTree(answer).get("inferenceId").asLong();
        as(key).when().get("/api/inference/" + inferenceId).then().statusCode(200)
                .body("receipt.inputAtoms", contains((int) atom), "units", equalTo(3 * 32 * 32));

        // normalization as PaddleOCR's preprocessing does it: (v / 255 - 0.5) / 0.5
        Map<String, Object> normalized = new LinkedHashMap<>();
        normalized.put("atom", atom);
        normalized.put("mean", List.of(0.5, 0.5, 0.5));
        normalized.put("std", List.of(0.5, 0.5, 0.5));
        assertThat(output(run(normalized))).isEqualTo(oracle(png, 1f / 255, new float[]{0.5f, 0.5f, 0.5f},
                new float[]{0.5f, 0.5f, 0.5f}));
    }

    @Test
    void aSixteenBitImageAtomIsScaledBy1Over65535() throws Exception {
        Path png = TestData.file("images/pngsuite/basic/basn2c16.png");
        long atom = new Seed(engine).image(tenant, png);
        assertThat(output(run(Map.of("atom", atom)))).isEqualTo(oracle(png, 1f / 65535, new float[3],
                new float[]{1, 1, 1}));
    }

    @Test
    void optionsTheModelCannotTakeAreRefused() throws Exception {
        long atom = new Seed(engine).image(tenant, TestData.file("images/pngsuite/basic/basn6a08.png"));
        as(key).contentType(ContentType.JSON).body(Map.of("inputs", Map.of("x", Map.of("atom", atom, "channels", 4))))
                .when().post("/api/models/" + model.modelId() + "/run").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("input 'x' takes [?, 3, ?, ?] but atom " + atom));
        as(key).contentType(ContentType.JSON).body(Map.of("inputs", Map.of("x", Map.of("atom", atom, "std",
                        List.of(1, 0, 1))))).when().post("/api/models/" + model.modelId() + "/run").then()
                .statusCode(400).body("detail", containsString("std[1] must not be 0"));
        as(key).queryParam("model", model.modelId()).when().get("/api/inference").then().statusCode(200)
                .body("$", org.hamcrest.Matchers.hasSize(0));
    }
}
