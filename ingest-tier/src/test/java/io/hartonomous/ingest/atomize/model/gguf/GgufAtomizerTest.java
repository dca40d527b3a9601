package io.hartonomous.ingest.atomize.model.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.ingest.atomize.AtomizedFile;
import io.hartonomous.ingest.atomize.Atomizers;
import io.hartonomous.ingest.atomize.Captured;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.ingest.atomize.Json;
import io.hartonomous.ingest.atomize.Store;
import io.hartonomous.ingest.atomize.TestData;
import io.hartonomous.ingest.atomize.model.Reference;
import io.hartonomous.ingest.detect.BadInputException;
import io.hartonomous.ingest.detect.LimitExceededException;
import io.hartonomous.ingest.detect.UnsupportedFormatException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** GGUF files written by gguf-py (upstream's writer), compared with gguf-py's own dequantize output. */
class GgufAtomizerTest {
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

    /** F32, F16, BF16, F64, I8-I64, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1 (v3 and v2), Q4_K, Q5_K, Q6_K, Q8_K, chunking. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"types.gguf", "types-v2.gguf", "kquants.gguf", "chunks.gguf"})
    void valuesEqualUpstreamDequantization(String name) throws IOException {
        Path file = TestData.file("models/gguf/" + name);
        try (AtomizedFile f = Atomizers.open(file, IngestLimits.DEFAULT)) {
            Reference.assertMatches(file, f, store);
            assertThat(f.embedding()).isPresent();
        }
    }

    @Test
    void metadataKeepsKeyValuesAndTheTensorTable() throws IOException {
        try (AtomizedFile f = Atomizers.open(TestData.file("models/gguf/types.gguf"), IngestLimits.DEFAULT)) {
            JsonNode meta = Json.MAPPER.readTree(f.metadataJson());
            JsonNode kv = meta.get("metadata");
            assertThat(meta.get("format").asText()).isEqualTo("gguf");
            assertThat(kv.get("test.u64").asText()).isEqualTo("9223372036854775813");
            assertThat(kv.get("test.i8").asInt()).isEqualTo(-100);
            assertThat(kv.get("test.string").asText()).isEqualTo("grüße, ünïcödé");
            assertThat(kv.get("test.array.nested").toString()).isEqualTo("[[1,2],[3]]");
            assertThat(kv.get("tokenizer.ggml.tokens").get("length").asInt()).isEqualTo(300);
            JsonNode q4 = meta.get("tensors").get(5);
            assertThat(q4.get("name").asText()).isEqualTo("q4_0.mat");
            assertThat(q4.get("dtype").asText()).isEqualTo("Q4_0");
            assertThat(q4.get("storedAs").asText()).isEqualTo("f32");
            assertThat(f.model().orElseThrow().layers().get(2).storedAs()).isEqualTo("f16");
        }
    }

    @Test
    void chunksSpanTensorsAndResumeIsDeterministic() throws IOException {
        Path file = TestData.file("models/gguf/chunks.gguf");
        try (AtomizedFile f = Atomizers.open(file, null, IngestLimits.DEFAULT, 65_536)) {
            List<Chunk> all = Captured.emit(f, 0, true).chunks;
            assertThat(all).hasSize(f.chunkCount()).hasSizeGreaterThan(3);
            List<Chunk> resumed = Captured.emit(f, 2, true).chunks;
            for (int i = 0; i < resumed.size(); i++) {
                assertThat(resumed.get(i).coefficients().atomOrdinal())
                        .isEqualTo(all.get(i + 2).coefficients().atomOrdinal());
                assertThat(resumed.get(i).coefficients().positionX())
                        .isEqualTo(all.get(i + 2).coefficients().positionX());
            }
            // the chunk holding the end of big.q8_0 also holds odd.f32: two tensors in one chunk
            Chunk boundary = all.get((int) (40L * 4096 / 65_536));
            assertThat(Arrays.stream(boundary.coefficients().layerIdx()).distinct().count()).isGreaterThan(1);
        }
    }

    @Test
    void unsupportedQuantisationIsNamed() {
        assertThatThrownBy(() -> Atomizers.open(TestData.file("models/gguf/iq2_xxs.gguf"), IngestLimits.DEFAULT))
                .isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("tensor blk.0.attn_q.weight has type IQ2_XXS, which is not supported");
    }

    @Test
    void truncatedFilesAndLyingHeadersAreBadInput() throws IOException {
        byte[] gguf = Files.readAllBytes(TestData.file("models/gguf/types.gguf"));
        for (int cut : new int[]{7, 100, 3000, gguf.length - 10}) {
            Path p = dir.resolve("cut" + cut + ".gguf");
            Files.write(p, Arrays.copyOf(gguf, cut));
            assertThatThrownBy(() -> Atomizers.open(p, IngestLimits.DEFAULT)).as("cut at " + cut)
                    .isInstanceOf(BadInputException.class).hasMessageContaining("invalid GGUF");
        }
        // first metadata key's length set to 2^40: beyond the file
        byte[] lying = gguf.clone();
        ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putLong(24, 1L << 40);
        Path p = dir.resolve("lying.gguf");
        Files.write(p, lying);
        assertThatThrownBy(() -> Atomizers.open(p, IngestLimits.DEFAULT))
                .isInstanceOf(BadInputException.class).hasMessageContaining("declared length");
    }

    @Test
    void limitsAreCheckedFromTheHeader() {
        Path file = TestData.file("models/gguf/types.gguf");
        assertThatThrownBy(() -> Atomizers.open(file, new IngestLimits(1L << 30, 1, 1, 3, 1 << 20, 1 << 20)))
                .isInstanceOf(LimitExceededException.class).hasMessageContaining("tensors");
        assertThatThrownBy(() -> Atomizers.open(file, new IngestLimits(1L << 30, 1, 1, 100, 1000, 1 << 20)))
                .isInstanceOf(LimitExceededException.class).hasMessageContaining("header");
        assertThatThrownBy(() -> Atomizers.open(file, new IngestLimits(1L << 30, 1, 1, 100, 1 << 20, 100)))
                .isInstanceOf(LimitExceededException.class).hasMessageContaining("elements");
    }
}
