package io.hartonomous.ingest.atomize.audio;

import com.fasterxml.jackson.databind.JsonNode;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.ingest.atomize.AtomizedFile;
import io.hartonomous.ingest.atomize.Atomizers;
import io.hartonomous.ingest.atomize.Captured;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.ingest.atomize.Json;
import io.hartonomous.ingest.atomize.Store;
import io.hartonomous.ingest.atomize.TestData;
import io.hartonomous.ingest.detect.BadInputException;
import io.hartonomous.ingest.detect.LimitExceededException;
import io.hartonomous.ingest.detect.UnsupportedFormatException;
import org.junit.jupiter.api.AfterAll;
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
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** WAV and RF64 atomized into a real embedded engine and read back, compared with sox's samples of the same file. */
class WavAtomizerTest {
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

    static Stream<Path> wavs() {
        return Stream.concat(TestData.files("audio/alsa", ".wav").stream(),
                TestData.files("audio/derived", ".wav").stream());
    }

    /** ALSA's 16-bit WAVs and sox-derived 8/24/32-bit, float32/64, stereo, 6/8 channels, 22/44.1 kHz, RF64. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("wavs")
    void roundTripsBitExactAgainstSox(Path file) throws IOException {
        try (AtomizedFile f = Atomizers.open(file, IngestLimits.DEFAULT)) {
            byte[] stored = store.roundTrip(file, f);
            byte[] reference = Files.readAllBytes(Path.of(file + ".raw"));
            assertThat(stored.length).as("sample bytes of %s", file.getFileName()).isEqualTo(reference.length);
            assertThat(Arrays.equals(stored, reference)).as("samples of %s", file.getFileName()).isTrue();
            JsonNode meta = Json.MAPPER.readTree(f.metadataJson());
            assertThat(meta.get("frames").asLong() * meta.get("channels").asInt() * (meta.get("bitsPerSample").asInt() / 8))
                    .isEqualTo(reference.length);
            assertThat(f.embedding()).isPresent();
        }
    }

    /** A real 24-bit extensible WAV cut to 500 frames (header sizes fixed up) through H2, against sox's samples. */
    @Test
    void shortExtensibleWavRoundTripsThroughTheEngine() throws IOException {
        Path source = TestData.file("audio/derived/s24-mono-ext.wav");
        byte[] wav = Files.readAllBytes(source);
        int data = 0;
        while (!(wav[data] == 'd' && wav[data + 1] == 'a' && wav[data + 2] == 't' && wav[data + 3] == 'a')) {
            data++;
        }
        int bytes = 500 * 3;
        byte[] cut = Arrays.copyOf(wav, data + 8 + bytes);
        ByteBuffer b = ByteBuffer.wrap(cut).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(4, cut.length - 8).putInt(data + 4, bytes);
        Path file = dir.resolve("short24.wav");
        Files.write(file, cut);
        try (AtomizedFile f = Atomizers.open(file, IngestLimits.DEFAULT)) {
            Store.Ingested in = store.ingest(file, f, "short24.wav");
            byte[] reference = Arrays.copyOf(Files.readAllBytes(Path.of(source + ".raw")), bytes);
            assertThat(store.placedBytes(in.parentAtomId())).isEqualTo(reference);
            assertThat(in.receipts()).hasSize(1);
        }
    }

    @Test
    void metadataDescribesTheStream() throws IOException {
        try (AtomizedFile f = Atomizers.open(TestData.file("audio/derived/s24-8ch.wav"), IngestLimits.DEFAULT)) {
            JsonNode meta = Json.MAPPER.readTree(f.metadataJson());
            assertThat(meta.get("format").asText()).isEqualTo("wav");
            assertThat(meta.get("channels").asInt()).isEqualTo(8);
            assertThat(meta.get("bitsPerSample").asInt()).isEqualTo(24);
            assertThat(meta.get("sampleRate").asLong()).isEqualTo(48000);
            assertThat(meta.get("encoding").asText()).isEqualTo("pcm");
            assertThat(meta.get("extensible").asBoolean()).isTrue();
        }
        try (AtomizedFile f = Atomizers.open(TestData.file("audio/derived/f32-stereo-rf64.wav"), IngestLimits.DEFAULT)) {
            JsonNode meta = Json.MAPPER.readTree(f.metadataJson());
            assertThat(meta.get("format").asText()).isEqualTo("rf64");
            assertThat(meta.get("subtype").asText()).isEqualTo("float32");
        }
    }

    @Test
    void compositionsPlaceFrameAndChannelAndResumeIsDeterministic() throws IOException {
        Path file = TestData.file("audio/derived/s16-44k-stereo.wav");
        try (AtomizedFile f = Atomizers.open(file, null, IngestLimits.DEFAULT, 10_000)) {
            List<Chunk> all = Captured.emit(f, 0, true).chunks;
            Chunk c = all.get(2);
            long s = c.compositions().sequenceIndex()[5];
            assertThat(s).isEqualTo(20_005);
            assertThat(c.compositions().positionX()[5]).isEqualTo(s / 2);
            assertThat(c.compositions().positionY()[5]).isEqualTo(s % 2);
            List<Chunk> resumed = Captured.emit(f, 2, true).chunks;
            assertThat(resumed.getFirst().compositions().atomOrdinal()).isEqualTo(c.compositions().atomOrdinal());
            assertThat(resumed.getFirst().atoms()).hasSameSizeAs(c.atoms());
            assertThat(all.getLast().bytesDone()).isEqualTo(f.bytesTotal());
        }
    }

    @Test
    void truncatedWavIsBadInputBeforeAnyChunk() throws IOException {
        byte[] wav = Files.readAllBytes(TestData.file("audio/alsa/Front_Center.wav"));
        Path cut = dir.resolve("cut.wav");
        Files.write(cut, Arrays.copyOf(wav, wav.length - 1001));
        assertThatThrownBy(() -> Atomizers.open(cut, IngestLimits.DEFAULT))
                .isInstanceOf(BadInputException.class).hasMessageContaining("truncated");
        Path header = dir.resolve("header.wav");
        Files.write(header, Arrays.copyOf(wav, 30));
        assertThatThrownBy(() -> Atomizers.open(header, IngestLimits.DEFAULT)).isInstanceOf(BadInputException.class);
    }

    @Test
    void lyingBlockAlignIsBadInput() throws IOException {
        byte[] wav = Files.readAllBytes(TestData.file("audio/alsa/Front_Center.wav"));
        ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).putShort(32, (short) 3);
        Path bad = dir.resolve("align.wav");
        Files.write(bad, wav);
        assertThatThrownBy(() -> Atomizers.open(bad, IngestLimits.DEFAULT))
                .isInstanceOf(BadInputException.class).hasMessageContaining("block align");
    }

    @Test
    void frameLimitIsCheckedFromTheHeader() {
        IngestLimits tiny = new IngestLimits(1L << 30, 1 << 20, 1000, 10, 1 << 20, 1 << 20);
        assertThatThrownBy(() -> Atomizers.open(TestData.file("audio/alsa/Noise.wav"), tiny))
                .isInstanceOf(LimitExceededException.class).hasMessageContaining("frames");
    }

    @Test
    void flacAndOggAreUnsupported() {
        assertThatThrownBy(() -> Atomizers.open(TestData.file("audio/derived/mono.flac"), IngestLimits.DEFAULT))
                .isInstanceOf(UnsupportedFormatException.class).hasMessageContaining("FLAC is not supported");
        assertThatThrownBy(() -> Atomizers.open(TestData.file("audio/ogg/bell.oga"), IngestLimits.DEFAULT))
                .isInstanceOf(UnsupportedFormatException.class).hasMessageContaining("OGG");
    }
}
