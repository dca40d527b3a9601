package io.hartonomous.ingest.atomize;

/**
 * What one ingest may declare, checked from headers before any decoding work: file bytes, pixels per frame, frames
 * (GIF/TIFF) or audio sample frames, tensors per model, header bytes (GGUF metadata, safetensors JSON) and elements
 * per tensor.
 */
public record IngestLimits(long maxBytes, long maxPixels, long maxFrames, int maxTensors, long maxHeaderBytes,
                           long maxTensorElements) {
    // The defaults, each written down once: the service's configuration mapping takes them as its defaults too.
    /** 64 GiB: models are memory-mapped, never loaded. */
    public static final long DEFAULT_MAX_BYTES = 64L << 30;
    /** 256 Mpx: ImageIO holds the decoded frame in memory. */
    public static final long DEFAULT_MAX_PIXELS = 256L * 1024 * 1024;
    /** Ten hours of 48 kHz sample frames; also caps GIF/TIFF frames. */
    public static final long DEFAULT_MAX_FRAMES = 10L * 48_000 * 3600;
    public static final int DEFAULT_MAX_TENSORS = 100_000;
    /** 256 MiB of GGUF metadata / safetensors JSON. */
    public static final long DEFAULT_MAX_HEADER_BYTES = 256L << 20;
    public static final long DEFAULT_MAX_TENSOR_ELEMENTS = 1L << 34;

    public static final IngestLimits DEFAULT = new IngestLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS,
            DEFAULT_MAX_FRAMES, DEFAULT_MAX_TENSORS, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_TENSOR_ELEMENTS);

    public IngestLimits {
        if (maxBytes < 1 || maxPixels < 1 || maxFrames < 1 || maxTensors < 1 || maxHeaderBytes < 1
                || maxTensorElements < 1) {
            throw new IllegalArgumentException("every ingest limit must be positive");
        }
    }
}
