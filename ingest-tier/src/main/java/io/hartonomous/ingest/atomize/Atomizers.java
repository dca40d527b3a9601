package io.hartonomous.ingest.atomize;

import io.hartonomous.ingest.atomize.audio.WavAtomizer;
import io.hartonomous.ingest.atomize.image.ImageAtomizer;
import io.hartonomous.ingest.atomize.model.gguf.GgufAtomizer;
import io.hartonomous.ingest.atomize.model.onnx.OnnxAtomizer;
import io.hartonomous.ingest.atomize.model.safetensors.SafetensorsAtomizer;
import io.hartonomous.ingest.detect.DetectedFormat;
import io.hartonomous.ingest.detect.FormatDetector;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;

import java.io.IOException;
import java.nio.file.Path;

/** Entry point of the format half of ingestion: open a detected file with its format's atomizer. */
public final class Atomizers {
    private Atomizers() {
    }

    /**
     * Opens a file whose format the caller detected and whose typed file hash it knows (the pipeline has both from
     * the spool), checking every header-level rule of the format and the limits. Throws {@code BadInputException}
     * and its subclasses for anything wrong with the file; IOException only for I/O failures of the file itself.
     */
    public static AtomizedFile open(Path file, DetectedFormat format, ContentHash fileHash, IngestLimits limits,
                                    int chunkRows) throws IOException {
        return switch (format) {
            case PNG, JPEG, GIF, BMP, TIFF -> ImageAtomizer.open(file, format, fileHash, limits, chunkRows);
            case WAV, RF64 -> WavAtomizer.open(file, format, limits, chunkRows);
            case GGUF -> GgufAtomizer.open(file, limits, chunkRows);
            case SAFETENSORS -> SafetensorsAtomizer.open(file, limits, chunkRows);
            case ONNX -> OnnxAtomizer.open(file, limits, chunkRows);
        };
    }

    /**
     * For callers that hold only a path (tests, benchmarks): detects the format ({@code expected} null accepts any
     * modality) and hashes the file, then opens it as above.
     */
    public static AtomizedFile open(Path file, Modality expected, IngestLimits limits, int chunkRows)
            throws IOException {
        DetectedFormat format = FormatDetector.detect(file, expected);
        return open(file, format, FileHashes.ofFile(format.modality(), file), limits, chunkRows);
    }

    public static AtomizedFile open(Path file, IngestLimits limits) throws IOException {
        return open(file, null, limits, ChunkPlan.DEFAULT_CHUNK_ROWS);
    }
}
