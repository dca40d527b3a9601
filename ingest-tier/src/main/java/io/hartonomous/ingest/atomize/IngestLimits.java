package io.hartonomous.ingest.atomize;

/**
 * What one ingest may declare, checked from headers before any decoding work: file bytes, pixels per frame, frames
 * (GIF/TIFF) or audio sample frames, tensors per model, header bytes (GGUF metadata, safetensors JSON) and elements
 * per tensor.
 */
public record IngestLimits(long maxBytes, long maxPixels, long maxFrames, int maxTensors, long maxHeaderBytes,
                           long maxTensorElements) {
    public static final IngestLimits DEFAULT = new IngestLimits(
            64L << 30,           // 64 GiB: models are memory-mapped, never loaded
            256L * 1024 * 1024,  // 256 Mpx: ImageIO holds the decoded frame in memory
            10L * 48_000 * 3600, // ten hours of 48 kHz sample frames; also caps GIF/TIFF frames
            100_000,
            256L << 20,          // 256 MiB of GGUF metadata / safetensors JSON
            1L << 34);

    public IngestLimits {
        if (maxBytes < 1 || maxPixels < 1 || maxFrames < 1 || maxTensors < 1 || maxHeaderBytes < 1
                || maxTensorElements < 1) {
            throw new IllegalArgumentException("every ingest limit must be positive");
        }
    }
}
