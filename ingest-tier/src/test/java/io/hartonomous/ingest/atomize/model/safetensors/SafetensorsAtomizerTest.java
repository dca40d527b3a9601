package io.hartonomous.ingest.atomize.model.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import io.hartonomous.ingest.atomize.AtomizedFile;
import io.hartonomous.ingest.atomize.Atomizers;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** safetensors files written with numpy (testdata/make-safetensors.py), compared with numpy's values. */
class SafetensorsAtomizerTest {
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

    /** F64, F32, F16, BF16, I8, I16, I32, I64, U8, BOOL, a scalar, an empty tensor; and one spanning chunks. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"types.safetensors", "chunks.safetensors"})
    void valuesEqualNumpy(String name) throws IOException {
        Path file = TestData.file("models/safetensors/" + name);
        try (AtomizedFile f = Atomizers.open(file, IngestLimits.DEFAULT)) {
            Reference.assertMatches(file, f, store);
        }
    }

    /**
     * A 4.3 GB file (sparse on disk) whose second tensor starts past 2^32: the FFM mapping must address it, where a
     * ByteBuffer mapping stops at 2 GB. The heap holds none of it.
     */
    @Test
    void tensorsBeyondFourGibibytesAreReadThroughTheMapping() throws IOException {
        Path file = dir.resolve("sparse.safetensors");
        long far = (1L << 32) + 4096;
        String header = "{\"near\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},"
                + "\"far\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[" + far + "," + (far + 8) + "]}}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        long dataStart = 8 + json.length;
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(8 + json.length + 12).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(json.length).put(json).putFloat(1.5f).putFloat(-2f).putFloat(0.25f).flip();
            ch.write(head, 0);
            ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : new float[] {0.5f, -1f, 3f, 65504f}) {
                tail.putShort(Float.floatToFloat16(v));
            }
            ch.write(tail.flip(), dataStart + far);
        }
        assertThat(Files.size(file)).isGreaterThan(1L << 32);
        try (AtomizedFile f = Atomizers.open(file, IngestLimits.DEFAULT)) {
            io.hartonomous.ingest.atomize.Captured c = io.hartonomous.ingest.atomize.Captured.emit(f, 0, false);
            assertThat(c.model.layers()).extracting(l -> l.name()).containsExactly("near", "far");
            ByteBuffer far16 = ByteBuffer.wrap(c.tensorBytes(1)).order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[4];
            for (int i = 0; i < 4; i++) {
                values[i] = Float.float16ToFloat(far16.getShort());
            }
            assertThat(values).containsExactly(0.5f, -1f, 3f, 65504f);
            ByteBuffer near32 = ByteBuffer.wrap(c.tensorBytes(0)).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(new float[] {near32.getFloat(), near32.getFloat(), near32.getFloat()})
                    .containsExactly(1.5f, -2f, 0.25f);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void metadataKeepsDunderMetadata() throws IOException {
        try (AtomizedFile f = Atomizers.open(TestData.file("models/safetensors/types.safetensors"),
                IngestLimits.DEFAULT)) {
            JsonNode meta = Json.MAPPER.readTree(f.metadataJson());
            assertThat(meta.get("metadata").get("format").asText()).isEqualTo("pt");
            assertThat(meta.get("tensorCount").asInt()).isEqualTo(12);
        }
    }

    @Test
    void unsupportedDtypeIsNamed() {
        assertThatThrownBy(() -> Atomizers.open(TestData.file("models/safetensors/u16.safetensors"),
                IngestLimits.DEFAULT))
                .isInstanceOf(UnsupportedFormatException.class).hasMessageContaining("dtype U16");
    }

    @Test
    void truncatedAndLyingFilesAreBadInput() throws IOException {
        byte[] st = Files.readAllBytes(TestData.file("models/safetensors/types.safetensors"));
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(st, st.length - 10));
        assertThatThrownBy(() -> Atomizers.open(cut, IngestLimits.DEFAULT))
                .isInstanceOf(BadInputException.class).hasMessageContaining("beyond");

        byte[] longHeader = st.clone();
        ByteBuffer.wrap(longHeader).order(ByteOrder.LITTLE_ENDIAN).putLong(0, st.length);
        Path lying = dir.resolve("lying.safetensors");
        Files.write(lying, longHeader);
        assertThatThrownBy(() -> Atomizers.open(lying, IngestLimits.DEFAULT))
                .isInstanceOf(BadInputException.class).hasMessageContaining("header declares");

        Path overlap = dir.resolve("overlap.safetensors");
        Files.write(overlap, withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12));
        assertThatThrownBy(() -> Atomizers.open(overlap, IngestLimits.DEFAULT))
                .isInstanceOf(BadInputException.class).hasMessageContaining("overlap");

        Path wrongSize = dir.resolve("size.safetensors");
        Files.write(wrongSize, withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8));
        assertThatThrownBy(() -> Atomizers.open(wrongSize, IngestLimits.DEFAULT))
                .isInstanceOf(BadInputException.class).hasMessageContaining("needs 12");

        Path duplicate = dir.resolve("dup.safetensors");
        Files.write(duplicate, withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4));
        assertThatThrownBy(() -> Atomizers.open(duplicate, IngestLimits.DEFAULT))
                .isInstanceOf(BadInputException.class).hasMessageContaining("JSON");
    }

    @Test
    void headerLimitIsCheckedBeforeParsing() {
        assertThatThrownBy(() -> Atomizers.open(TestData.file("models/safetensors/types.safetensors"),
                new IngestLimits(1L << 30, 1, 1, 100, 100, 1 << 20)))
                .isInstanceOf(LimitExceededException.class).hasMessageContaining("header");
    }

    private static byte[] withHeader(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return b.array();
    }
}
