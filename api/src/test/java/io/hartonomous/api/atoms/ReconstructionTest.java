package io.hartonomous.api.atoms;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.api.testing.Seed;
import io.hartonomous.api.testing.TestData;
import io.hartonomous.storage.contract.ConflictException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.imageio.ImageIO;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The PNG and WAV writers over every real test image and sound (without a database): pixels decoded by ImageIO equal
 * ImageMagick's dump of the original, samples equal sox's raw dump, headers match the source's format.
 */
class ReconstructionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> images() throws IOException {
        Path basic = TestData.cache().resolve("images/pngsuite/basic");
        try (Stream<Path> files = Files.list(basic)) {
            return Stream.concat(files.filter(f -> f.toString().endsWith(".png")).sorted()
                            .map(f -> "images/pngsuite/basic/" + f.getFileName()).toList().stream(),
                    Stream.of("images/snake.png", "images/map8-palette.png", "images/pngsuite/odd/s39i3p04.png"));
        }
    }

    static Stream<String> sounds() throws IOException {
        try (Stream<Path> alsa = Files.list(TestData.cache().resolve("audio/alsa"));
             Stream<Path> derived = Files.list(TestData.cache().resolve("audio/derived"))) {
            return Stream.concat(alsa.toList().stream(), derived.toList().stream())
                    .filter(f -> f.toString().endsWith(".wav")).sorted()
                    .map(f -> TestData.cache().relativize(f).toString()).toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("images")
    void pngPixelsAreBitIdentical(String file) throws Exception {
        Path png = TestData.file(file);
        Seed.Media media = Seed.imageMedia(png);
        Seed.PngInfo info = Seed.PngInfo.read(png);
        MemoryAtomReads reads = new MemoryAtomReads(media);
        MediaLayout.Image layout = MediaLayout.image(reads.parent(), JSON.readTree(media.metadataJson()), reads);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long written;
        try (ValueRunCursor cursor = new ValueRunCursor(reads, MemoryAtomReads.PARENT, layout.pixels(), 4096,
                layout.type())) {
            written = PngStream.write(out, layout, cursor);
        }
        assertThat(written).isEqualTo(out.size());
        assertThat(reads.pageQueries).isGreaterThanOrEqualTo((int) (layout.pixels() / 4096));

        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(out.toByteArray()));
        assertThat(decoded.getWidth()).isEqualTo(info.width());
        assertThat(decoded.getHeight()).isEqualTo(info.height());
        assertThat(decoded.getColorModel().getComponentSize(0)).isEqualTo(info.sixteenBit() ? 16 : 8);
        ByteBuffer ref = ByteBuffer.wrap(Files.readAllBytes(Path.of(png + ".rgba16"))).order(ByteOrder.LITTLE_ENDIAN);
        Raster raster = decoded.getRaster();
        int scale = info.sixteenBit() ? 1 : 257;
        int[] row = new int[info.width() * 4];
        for (int y = 0; y < info.height(); y++) {
            raster.getPixels(0, y, info.width(), 1, row);
            for (int i = 0; i < row.length; i++) {
                int expected = ref.getShort((y * info.width() * 4 + i) * 2) & 0xFFFF;
                if (row[i] * scale != expected) {
                    throw new AssertionError(file + ": sample " + i + " of row " + y + " is " + row[i]
                            + ", the original has " + expected + " (16-bit scale)");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sounds")
    void wavSamplesAreBitIdenticalAndTheFormatIsKept(String file) throws Exception {
        Path wav = TestData.file(file);
        byte[] original = Files.readAllBytes(wav);
        Seed.WavInfo info = Seed.WavInfo.read(original);
        Seed.Media media = Seed.audioMedia(wav);
        MemoryAtomReads reads = new MemoryAtomReads(media);
        MediaLayout.Audio layout = MediaLayout.audio(reads.parent(), JSON.readTree(media.metadataJson()), reads);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long written;
        try (ValueRunCursor cursor = new ValueRunCursor(reads, MemoryAtomReads.PARENT, layout.samples(),
                16_384, layout.type())) {
            written = WavStream.write(out, layout, cursor);
        }
        byte[] body = out.toByteArray();
        assertThat(written).isEqualTo(body.length).isEqualTo(WavStream.length(layout));

        Seed.WavInfo back = Seed.WavInfo.read(body);
        assertThat(back).isEqualTo(info);
        byte[] raw = Files.readAllBytes(Path.of(wav + ".raw"));
        int header = WavStream.header(layout).length;
        assertThat(Arrays.copyOfRange(body, header, header + raw.length)).isEqualTo(raw);
        if (Arrays.equals(Arrays.copyOf(original, 4), "RIFF".getBytes()) && info.bitsPerSample() <= 32) {
            try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(body))) {
                assertThat(in.readAllBytes()).as("samples decoded by Java Sound").isEqualTo(raw);
            }
        }
    }

    @Test
    void aMissingValueIsRefusedNotPadded() throws Exception {
        Seed.Media media = Seed.imageMedia(TestData.file("images/pngsuite/basic/basn2c08.png"));
        MemoryAtomReads reads = new MemoryAtomReads(media) {
            @Override
            public Stream<io.hartonomous.storage.contract.atoms.PlacedValue> placedValues(long p, long from, long limit) {
                return super.placedValues(p, from, limit).filter(v -> v.sequenceIndex() != 500);
            }
        };
        MediaLayout.Image layout = MediaLayout.image(reads.parent(), JSON.readTree(media.metadataJson()), reads);
        try (ValueRunCursor cursor = new ValueRunCursor(reads, MemoryAtomReads.PARENT, layout.pixels(), 100,
                layout.type())) {
            assertThatThrownBy(() -> PngStream.write(new ByteArrayOutputStream(), layout, cursor))
                    .isInstanceOf(ConflictException.class).hasMessageContaining("value 500 is missing");
        }
    }

    @Test
    void aValueOfAnotherTypeIsRefused() throws Exception {
        Seed.Media media = Seed.imageMedia(TestData.file("images/pngsuite/basic/basn2c08.png"));
        io.hartonomous.storage.contract.atoms.AtomType wide = io.hartonomous.storage.contract.atoms.AtomType.of(
                io.hartonomous.storage.contract.atoms.Modality.IMAGE, "rgba16");
        MemoryAtomReads reads = new MemoryAtomReads(media) {
            @Override
            public Stream<io.hartonomous.storage.contract.atoms.PlacedValue> placedValues(long p, long from, long limit) {
                return super.placedValues(p, from, limit).map(v -> v.sequenceIndex() != 700 ? v
                        : new io.hartonomous.storage.contract.atoms.PlacedValue(700, v.positionX(), v.positionY(),
                        wide, new byte[8]));
            }
        };
        MediaLayout.Image layout = MediaLayout.image(reads.parent(), JSON.readTree(media.metadataJson()), reads);
        try (ValueRunCursor cursor = new ValueRunCursor(reads, MemoryAtomReads.PARENT, layout.pixels(), 100,
                layout.type())) {
            assertThatThrownBy(() -> PngStream.write(new ByteArrayOutputStream(), layout, cursor))
                    .isInstanceOf(ConflictException.class).hasMessageContaining("value 700")
                    .hasMessageContaining("image/rgba16");
        }
    }

    @Test
    void extentComesFromTheLastCompositionWhenTheMetadataLacksIt() throws Exception {
        Seed.Media media = Seed.imageMedia(TestData.file("images/map8-palette.png"));
        MemoryAtomReads reads = new MemoryAtomReads(media);
        MediaLayout.Image layout = MediaLayout.image(reads.parent(), JSON.readTree("{}"), reads);
        assertThat(layout.width()).isEqualTo(93);
        assertThat(layout.height()).isEqualTo(14);
        assertThatThrownBy(() -> MediaLayout.image(reads.parent(), JSON.readTree("{\"width\":90,\"height\":14}"),
                reads)).isInstanceOf(ConflictException.class);
    }
}
