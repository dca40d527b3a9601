package io.hartonomous.ingest.detect;

import io.hartonomous.ingest.atomize.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Detection by content on real files; names and extensions play no part. */
class FormatDetectorTest {
    @TempDir
    Path dir;

    @Test
    void recognisesEveryIngestedFormatByItsBytes() throws IOException {
        Map<String, DetectedFormat> cases = Map.ofEntries(
                Map.entry("images/pngsuite/basic/basn0g01.png", DetectedFormat.PNG),
                Map.entry("images/snake.jpg", DetectedFormat.JPEG),
                Map.entry("images/snake-progressive.jpg", DetectedFormat.JPEG),
                Map.entry("images/snake.gif", DetectedFormat.GIF),
                Map.entry("images/snake.bmp", DetectedFormat.BMP),
                Map.entry("images/snake.tiff", DetectedFormat.JPEG), // named .tiff, really a JPEG
                Map.entry("images/derived/rgb8-mm.tif", DetectedFormat.TIFF),
                Map.entry("images/derived/rgb8-ii.tif", DetectedFormat.TIFF),
                Map.entry("audio/alsa/Noise.wav", DetectedFormat.WAV),
                Map.entry("audio/derived/s16-mono-rf64.wav", DetectedFormat.RF64),
                Map.entry("models/gguf/types.gguf", DetectedFormat.GGUF),
                Map.entry("models/safetensors/types.safetensors", DetectedFormat.SAFETENSORS),
                Map.entry("models/onnx/all-minilm-l6-v2-q.onnx", DetectedFormat.ONNX),
                Map.entry("models/onnx/ch_PP-OCRv4_det_infer.onnx", DetectedFormat.ONNX),
                Map.entry("models/onnx/libonnx/test_operator_conv.onnx", DetectedFormat.ONNX));
        for (Map.Entry<String, DetectedFormat> c : cases.entrySet()) {
            Path renamed = dir.resolve("upload.bin");
            Files.copy(TestData.file(c.getKey()), renamed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThat(FormatDetector.detect(renamed)).as(c.getKey()).isEqualTo(c.getValue());
        }
    }

    @Test
    void namesWhatItDoesNotIngest() throws IOException {
        assertThatThrownBy(() -> FormatDetector.detect(TestData.file("audio/derived/mono.flac")))
                .isInstanceOf(UnsupportedFormatException.class).hasMessage(
                        "FLAC is not supported (send WAV or RF64 PCM/float audio)");
        assertThatThrownBy(() -> FormatDetector.detect(TestData.file("audio/ogg/complete.oga")))
                .isInstanceOf(UnsupportedFormatException.class).hasMessageContaining("OGG");
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "just some text, not an image");
        assertThatThrownBy(() -> FormatDetector.detect(text))
                .isInstanceOf(UnsupportedFormatException.class).hasMessageContaining("unrecognised")
                .extracting(e -> ((BadInputException) e).httpStatus()).isEqualTo(415);
        Path zip = dir.resolve("a.zip");
        Files.write(zip, new byte[]{'P', 'K', 3, 4, 0, 0, 0, 0});
        assertThatThrownBy(() -> FormatDetector.detect(zip)).hasMessageContaining("ZIP");
        Path empty = dir.resolve("empty");
        Files.write(empty, new byte[0]);
        assertThatThrownBy(() -> FormatDetector.detect(empty)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void damagedPngSignatureIsBadInputNotUnknown() {
        for (String name : new String[]{"xs1n0g01.png", "xs2n0g01.png", "xs4n0g01.png", "xs7n0g01.png",
                "xcrn0g04.png", "xlfn0g04.png"}) {
            assertThatThrownBy(() -> FormatDetector.detect(TestData.file("images/pngsuite/corrupted/" + name)))
                    .as(name).isExactlyInstanceOf(BadInputException.class).hasMessageContaining("PNG signature");
        }
    }

    @Test
    void statusesFollowTheExceptionType() {
        assertThat(new BadInputException("x").httpStatus()).isEqualTo(422);
        assertThat(new UnsupportedFormatException("x").httpStatus()).isEqualTo(415);
        assertThat(new LimitExceededException("x").httpStatus()).isEqualTo(413);
    }
}
