package io.hartonomous.ingest.atomize;

import io.hartonomous.ingest.detect.DetectedFormat;

/**
 * What opening a file established, the same for every format: the format, the source size in bytes (for a frame or
 * page: the whole file's), the deterministic chunking of its rows and the parent atom's metadata JSON.
 */
public record FileLayout(DetectedFormat format, long bytesTotal, ChunkPlan plan, String metadataJson) {
}
