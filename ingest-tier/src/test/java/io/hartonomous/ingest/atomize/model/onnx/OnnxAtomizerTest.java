package io.hartonomous.ingest.atomize.model.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import io.hartonomous.ingest.atomize.AtomizedFile;
import io.hartonomous.ingest.atomize.Atomizers;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.ingest.atomize.Json;
import io.hartonomous.ingest.atomize.Store;
import io.hartonomous.ingest.atomize.TestData;
import io.hartonomous.ingest.atomize.model.Reference;
import io.hartonomous.ingest.detect.BadInputException;
import io.hartonomous.ingest.detect.UnsupportedFormatException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ONNX files nobody on this project wrote (an int8-quantised MiniLM from Maven Central, PaddleOCR models whose weights
 * are Constant nodes from npm, libonnx-testdata's models), compared with python3-onnx's numpy_helper.to_array.
 */
class OnnxAtomizerTest {
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

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void valuesEqualOnnxNumpyHelper(Path file) throws IOException {
        try (AtomizedFile f = Atomizers.open(file, IngestLimits.DEFAULT)) {
            Reference.assertMatches(file, f, store);
        }
    }

    @Test
    void constantNodesCountAsTensorsAndMetadataNamesTheProducer() throws IOException {
        try (AtomizedFile f = Atomizers.open(TestData.file("models/onnx/ch_ppocr_mobile_v2.0_cls_infer.onnx"),
                IngestLimits.DEFAULT)) {
            JsonNode meta = Json.MAPPER.readTree(f.metadataJson());
            assertThat(meta.get("constants").asInt()).isGreaterThan(0);
            assertThat(meta.get("irVersion").asInt()).isGreaterThan(0);
            assertThat(meta.get("opsets")).isNotEmpty();
        }
    }

    @Test
    void externalDataIsRefused() {
        assertThatThrownBy(() -> Atomizers.open(TestData.file("models/onnx-external/external.onnx"),
                IngestLimits.DEFAULT))
                .isInstanceOf(UnsupportedFormatException.class).hasMessageContaining("EXTERNAL");
    }

    @Test
    void twoStoredTensorsOfOneNameAreRefused() {
        // refilled by name, the second would get the first one's values
        assertThatThrownBy(() -> Atomizers.open(TestData.file("models/onnx-refused/duplicate-names.onnx"),
                IngestLimits.DEFAULT))
                .isInstanceOf(UnsupportedFormatException.class).hasMessageContaining("two stored tensors are named");
    }

    @Test
    void truncatedModelIsBadInput() throws IOException {
        byte[] onnx = Files.readAllBytes(TestData.file("models/onnx/ch_ppocr_mobile_v2.0_cls_infer.onnx"));
        Path cut = dir.resolve("cut.onnx");
        Files.write(cut, Arrays.copyOf(onnx, onnx.length / 2));
        assertThatThrownBy(() -> Atomizers.open(cut, IngestLimits.DEFAULT))
                .isInstanceOf(BadInputException.class).hasMessageContaining("invalid ONNX");
    }
}
