package io.hartonomous.ingest.atomize.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.ingest.atomize.AtomizedFile;
import io.hartonomous.ingest.atomize.Atomizers;
import io.hartonomous.ingest.atomize.Captured;
import io.hartonomous.ingest.atomize.ChildPart;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.ingest.atomize.Json;
import io.hartonomous.ingest.atomize.Store;
import io.hartonomous.ingest.atomize.TestData;
import io.hartonomous.ingest.detect.BadInputException;
import io.hartonomous.ingest.detect.LimitExceededException;
import io.hartonomous.storage.contract.atoms.Modality;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Images atomized into a real embedded engine and read back, compared with ImageMagick's decode of the same file. */
class ImageAtomizerTest {
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

    static Stream<Path> referenced() {
        Path images = TestData.file("images");
        try (Stream<Path> all = Files.walk(images)) {
            return all.filter(p -> p.toString().endsWith(".rgba16"))
                    .map(p -> Path.of(p.toString().substring(0, p.toString().length() - ".rgba16".length())))
                    .filter(Files::exists)
                    .sorted().toList().stream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every PngSuite image (all colour types, 1-16 bits, palette+tRNS, interlaced), BMP, GIF, TIFF both orders. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("referenced")
    void roundTripsBitExactAgainstImageMagick(Path file) throws IOException {
        try (AtomizedFile f = Atomizers.open(file, IngestLimits.DEFAULT)) {
            // PngSuite's basic and transparency sets go through H2; the rest is checked from the emitted chunks
            // (the embedded engine's spatial index makes many small ingests slow; keeps the suite quick)
            boolean viaH2 = file.toString().contains("/basic/") || file.toString().contains("/transparency/");
            byte[] stored = viaH2 ? store.roundTrip(file, f) : Captured.emit(f, 0, false).composedBytes();
            byte[] reference = Files.readAllBytes(Path.of(file + ".rgba16"));
            assertThat(as16(stored, f)).as("pixels of %s", file.getFileName()).isEqualTo(reference);
        }
    }

    /** rgba8 atoms widen to 16 bits the way ImageMagick does (v * 257); rgba16 atoms are compared as they are. */
    static byte[] as16(byte[] stored, AtomizedFile f) {
        JsonNode meta = read(f.metadataJson());
        if (meta.get("subtype").asText().equals("rgba16")) {
            return stored;
        }
        ByteBuffer out = ByteBuffer.allocate(stored.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (byte b : stored) {
            out.putShort((short) ((b & 0xFF) * 257));
        }
        return out.array();
    }

    static JsonNode read(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void sixteenBitSourcesBecomeRgba16AndPaletteWithTransparencyKeepsAlpha() throws IOException {
        try (AtomizedFile f = Atomizers.open(TestData.file("images/pngsuite/basic/basn6a16.png"),
                IngestLimits.DEFAULT)) {
            JsonNode meta = read(f.metadataJson());
            assertThat(meta.get("subtype").asText()).isEqualTo("rgba16");
            assertThat(meta.get("bitDepth").asInt()).isEqualTo(16);
            assertThat(meta.get("colourType").asText()).isEqualTo("rgba");
            assertThat(f.rows()).isEqualTo(32 * 32);
            assertThat(f.embedding()).isPresent();
        }
        try (AtomizedFile f = Atomizers.open(TestData.file("images/pngsuite/transparency/tbbn3p08.png"),
                IngestLimits.DEFAULT)) {
            JsonNode meta = read(f.metadataJson());
            assertThat(meta.get("subtype").asText()).isEqualTo("rgba8");
            assertThat(meta.get("hasAlpha").asBoolean()).isTrue();
            assertThat(meta.get("transparencyChunk").asBoolean()).isTrue();
        }
    }

    /** JPEG decoders differ, so JPEGs are compared with ImageIO's own decode; EXIF orientation is only recorded. */
    @Test
    void jpegsMatchImageIoAndRecordExifOrientation() throws IOException {
        for (String name : List.of("images/snake.jpg", "images/snake-progressive.jpg", "images/snake-grayscale.jpg",
                "images/derived/orientation6-ii.jpg", "images/derived/orientation8-mm.jpg")) {
            Path file = TestData.file(name);
            try (AtomizedFile f = Atomizers.open(file, IngestLimits.DEFAULT)) {
                byte[] stored = Captured.emit(f, 0, false).composedBytes();
                BufferedImage img = ImageIO.read(file.toFile());
                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                boolean gray = img.getRaster().getNumBands() == 1;
                int[] px = new int[img.getRaster().getNumBands()];
                for (int y = 0; y < img.getHeight(); y++) {
                    for (int x = 0; x < img.getWidth(); x++) {
                        img.getRaster().getPixel(x, y, px);
                        expected.write(px[0]);
                        expected.write(gray ? px[0] : px[1]);
                        expected.write(gray ? px[0] : px[2]);
                        expected.write(255);
                    }
                }
                assertThat(stored).as(name).isEqualTo(expected.toByteArray());
                int orientation = read(f.metadataJson()).get("exifOrientation").asInt();
                assertThat(orientation).as(name).isEqualTo(name.contains("orientation6") ? 6
                        : name.contains("orientation8") ? 8 : 1);
            }
        }
    }

    /** Frame 0 is the file; further GIF frames / TIFF pages are children, each decoded like ImageMagick's [i]. */
    @Test
    void animatedGifFramesAndTiffPagesAreChildren() throws IOException {
        for (String name : List.of("images/derived/animated.gif", "images/derived/multipage.tif")) {
            Path file = TestData.file(name);
            try (AtomizedFile f = Atomizers.open(file, IngestLimits.DEFAULT)) {
                List<ChildPart> children = f.children();
                assertThat(children).extracting(ChildPart::index).containsExactly(1, 2);
                assertThat(children.getFirst().relation()).isEqualTo(name.endsWith(".gif") ? "frame-of" : "page-of");
                assertThat(children.get(0).fileHash()).isNotEqualTo(children.get(1).fileHash());
                for (ChildPart child : children) {
                    try (AtomizedFile frame = f.child(child.index())) {
                        byte[] stored = Captured.emit(frame, 0, false).composedBytes();
                        byte[] reference = Files.readAllBytes(Path.of(file + "." + child.index() + ".rgba16"));
                        assertThat(as16(stored, frame)).as(name + " frame " + child.index()).isEqualTo(reference);
                        assertThat(frame.children()).isEmpty();
                    }
                }
            }
        }
    }

    @Test
    void chunkingIsDeterministicSoResumeSkipsStraightToAChunk() throws IOException {
        Path file = TestData.file("images/snake.png");
        try (AtomizedFile f = Atomizers.open(file, null, IngestLimits.DEFAULT, 1000)) {
            assertThat(f.chunkCount()).isGreaterThan(3);
            List<Chunk> all = Captured.emit(f, 0, true).chunks;
            List<Chunk> resumed = Captured.emit(f, 3, true).chunks;
            assertThat(all).hasSize(f.chunkCount());
            assertThat(resumed).hasSize(f.chunkCount() - 3);
            for (int i = 0; i < resumed.size(); i++) {
                Chunk a = all.get(i + 3);
                Chunk b = resumed.get(i);
                assertThat(b.chunkIndex()).isEqualTo(a.chunkIndex());
                assertThat(b.atoms()).extracting(x -> x.contentHash().hex())
                        .containsExactlyElementsOf(a.atoms().stream().map(x -> x.contentHash().hex()).toList());
                assertThat(b.compositions().sequenceIndex()).isEqualTo(a.compositions().sequenceIndex());
                assertThat(b.compositions().atomOrdinal()).isEqualTo(a.compositions().atomOrdinal());
            }
            assertThat(all.getLast().bytesDone()).isEqualTo(f.bytesTotal());
        }
    }

    static Stream<Path> corrupted() {
        return TestData.files("images/pngsuite/corrupted", ".png").stream();
    }

    /** PngSuite's deliberately corrupt files: each one a clear BadInputException, before any chunk. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("corrupted")
    void corruptPngsAreRejectedWithAClearReason(Path file) {
        assertThatThrownBy(() -> Atomizers.open(file, IngestLimits.DEFAULT))
                .isInstanceOf(BadInputException.class)
                .satisfies(e -> assertThat(e.getMessage()).as(file.getFileName().toString()).isNotBlank()
                        .containsAnyOf("PNG", "png"));
    }

    /** A header claiming 100000 x 100000 pixels is refused from the IHDR, before any decoding. */
    @Test
    void hugeDeclaredDimensionsHitThePixelLimitBeforeDecoding() throws IOException {
        byte[] png = Files.readAllBytes(TestData.file("images/pngsuite/basic/basn0g08.png"));
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, 100_000).putInt(20, 100_000);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        Path bomb = dir.resolve("bomb.png");
        Files.write(bomb, png);
        assertThatThrownBy(() -> Atomizers.open(bomb, IngestLimits.DEFAULT))
                .isInstanceOf(LimitExceededException.class).hasMessageContaining("100000x100000");
        IngestLimits tiny = new IngestLimits(1 << 30, 100, 10, 10, 1 << 20, 1 << 20);
        assertThatThrownBy(() -> Atomizers.open(TestData.file("images/snake.gif"), tiny))
                .isInstanceOf(LimitExceededException.class);
    }

    @Test
    void truncatedPngIsBadInput() throws IOException {
        byte[] png = Files.readAllBytes(TestData.file("images/pngsuite/basic/basn2c08.png"));
        Path cut = dir.resolve("cut.png");
        Files.write(cut, java.util.Arrays.copyOf(png, png.length / 2));
        assertThatThrownBy(() -> Atomizers.open(cut, IngestLimits.DEFAULT))
                .isInstanceOf(BadInputException.class).hasMessageContaining("truncated");
    }

    @Test
    void wrongModalityIsUnsupported() {
        assertThatThrownBy(() -> Atomizers.open(TestData.file("images/snake.png"), Modality.AUDIO,
                IngestLimits.DEFAULT, 65536))
                .isInstanceOf(io.hartonomous.ingest.detect.UnsupportedFormatException.class)
                .hasMessageContaining("PNG");
    }
}
