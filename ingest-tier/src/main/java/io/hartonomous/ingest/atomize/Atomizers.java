package io.hartonomous.ingest.atomize;

import io.hartonomous.ingest.atomize.audio.WavAtomizer;
import io.hartonomous.ingest.atomize.image.ImageAtomizer;
import io.hartonomous.ingest.atomize.model.gguf.GgufAtomizer;
import io.hartonomous.ingest.atomize.model.onnx.OnnxAtomizer;
import io.hartonomous.ingest.atomize.model.safetensors.SafetensorsAtomizer;
import io.hartonomous.ingest.detect.DetectedFormat;
import io.hartonomous.ingest.detect.FormatDetector;
import io.hartonomous.ingest.detect.LimitExceededException;
import io.hartonomous.ingest.detect.UnsupportedFormatException;
import io.hartonomous.storage.contract.atoms.Modality;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Entry point of the format half of ingestion: detect a spooled file's format and open its atomizer. */
public final class Atomizers {
    private Atomizers() {
    }

    public static AtomizedFile open(Path file, IngestLimits limits) throws IOException {
        return open(file, null, limits, ChunkPlan.DEFAULT_CHUNK_ROWS);
    }

    /**
     * Detects the format (by content), checks {@code expected} (null accepts any modality), the byte limit and every
     * header-level rule of the format, and returns the file ready to emit. Throws {@code BadInputException} and its
     * subclasses for anything wrong with the file; IOException only for I/O failures of the spool itself.
     */
    public static AtomizedFile open(Path file, Modality expected, IngestLimits limits, int chunkRows)
            throws IOException {
        long size = Files.size(file);
        if (size > limits.maxBytes()) {
            throw new LimitExceededException("the file has " + size + " bytes, more than the limit of "
                    + limits.maxBytes());
        }
        DetectedFormat format = FormatDetector.detect(file);
        if (expected != null && format.modality() != expected) {
            throw new UnsupportedFormatException("expected " + article(expected) + " but the file is "
                    + format.name() + " (" + format.modality().wireName() + ")");
        }
        return switch (format) {
            case PNG, JPEG, GIF, BMP, TIFF -> ImageAtomizer.open(file, format, limits, chunkRows);
            case WAV, RF64 -> WavAtomizer.open(file, format, limits, chunkRows);
            case GGUF -> GgufAtomizer.open(file, limits, chunkRows);
            case SAFETENSORS -> SafetensorsAtomizer.open(file, limits, chunkRows);
            case ONNX -> OnnxAtomizer.open(file, limits, chunkRows);
        };
    }

    private static String article(Modality m) {
        return switch (m) {
            case IMAGE -> "an image";
            case AUDIO -> "audio";
            case MODEL -> "a model";
        };
    }
}
