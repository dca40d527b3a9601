package io.hartonomous.api.atoms;

import io.hartonomous.api.testing.Api;
import io.hartonomous.api.testing.Seed;
import io.hartonomous.api.testing.TestData;
import io.hartonomous.storage.contract.StorageEngine;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.hartonomous.api.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reconstruction from atoms through the API, checked against independent references: PNGs decoded by ImageIO against
 * ImageMagick's 16-bit RGBA dump of the original, WAVs decoded by Java Sound against sox's raw dump of the original.
 * (Every other test image and sound goes through the same writers in {@link ReconstructionTest}, without HTTP.)
 */
@QuarkusTest
class ContentTest {
    private static final String TENANT = Api.newTenant("content");
    private static String key;

    @Inject
    StorageEngine engine;

    @BeforeEach
    void key() {
        if (key == null) {
            key = Api.keyFor(TENANT, "query");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"images/pngsuite/basic/basn2c08.png", "images/pngsuite/basic/basn6a16.png"})
    void imagesComeBackAsPngWithBitIdenticalPixels(String file) throws Exception {
        Path png = TestData.file(file);
        Seed.PngInfo info = Seed.PngInfo.read(png);
        long atom = new Seed(engine).image(TENANT, png);

        byte[] body = as(key).when().get("/api/atoms/" + atom + "/content")
                .then().statusCode(200).contentType("image/png").extract().asByteArray();

        assertThat(body[24]).as("PNG bit depth").isEqualTo((byte) (info.sixteenBit() ? 16 : 8));
        assertThat(body[25]).as("PNG colour type RGBA").isEqualTo((byte) 6);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(body));
        assertThat(decoded.getWidth()).isEqualTo(info.width());
        assertThat(decoded.getHeight()).isEqualTo(info.height());
        ByteBuffer ref = ByteBuffer.wrap(Files.readAllBytes(Path.of(png + ".rgba16"))).order(ByteOrder.LITTLE_ENDIAN);
        Raster raster = decoded.getRaster();
        int[] px = new int[4];
        int scale = info.sixteenBit() ? 1 : 257;
        for (int y = 0; y < info.height(); y++) {
            for (int x = 0; x < info.width(); x++) {
                raster.getPixel(x, y, px);
                for (int c = 0; c < 4; c++) {
                    int expected = ref.getShort(((y * info.width() + x) * 4 + c) * 2) & 0xFFFF;
                    if (px[c] * scale != expected) {
                        throw new AssertionError(file + ": pixel (" + x + ", " + y + ") channel " + c + " is "
                                + px[c] + ", the original has " + expected + " (16-bit scale)");
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"audio/alsa/Front_Center.wav"})
    void audioComesBackAsWavWithBitIdenticalSamples(String file) throws Exception {
        Path wav = TestData.file(file);
        Seed.WavInfo info = Seed.WavInfo.read(Files.readAllBytes(wav));
        long atom = new Seed(engine).audio(TENANT, wav);

        var response = as(key).when().get("/api/atoms/" + atom + "/content")
                .then().statusCode(200).contentType("audio/wav").extract();
        byte[] body = response.asByteArray();
        assertThat(Long.parseLong(response.header("Content-Length"))).isEqualTo(body.length);

        Seed.WavInfo back = Seed.WavInfo.read(body);
        assertThat(back.channels()).isEqualTo(info.channels());
        assertThat(back.sampleRate()).isEqualTo(info.sampleRate());
        assertThat(back.bitsPerSample()).isEqualTo(info.bitsPerSample());
        assertThat(back.formatTag()).isEqualTo(info.formatTag());
        assertThat(back.extensible()).isEqualTo(info.extensible());

        byte[] raw = Files.readAllBytes(Path.of(wav + ".raw"));
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(body))) {
            AudioFormat format = in.getFormat();
            assertThat(format.getChannels()).isEqualTo(info.channels());
            assertThat((long) format.getSampleRate()).isEqualTo(info.sampleRate());
            assertThat(in.readAllBytes()).as("samples decoded by Java Sound vs sox's raw dump").isEqualTo(raw);
        }
    }
}
