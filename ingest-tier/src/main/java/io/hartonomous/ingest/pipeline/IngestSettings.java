package io.hartonomous.ingest.pipeline;

import io.hartonomous.ingest.atomize.ChunkPlan;
import io.hartonomous.ingest.atomize.IngestLimits;

import java.nio.file.Path;

/**
 * How the pipeline runs: where uploads are spooled (must survive a crash: resume reads the spool), the limits checked
 * before work starts, rows per chunk, how many chunks may wait for the writer (backpressure), and from what size an
 * HTTP ingest answers 202 and continues in the background.
 */
public record IngestSettings(Path spoolDir, IngestLimits limits, int chunkRows, int queuedChunks,
                             long asyncThresholdBytes) {
    /** Chunks that may wait for the committer. */
    public static final int DEFAULT_QUEUED_CHUNKS = 4;
    /** 32 MiB: larger HTTP uploads are answered 202 and continue in the background. */
    public static final long DEFAULT_ASYNC_THRESHOLD_BYTES = 32L << 20;

    public IngestSettings {
        if (spoolDir == null || limits == null) {
            throw new IllegalArgumentException("spool folder and limits are required");
        }
        if (chunkRows < 1 || queuedChunks < 1 || asyncThresholdBytes < 0) {
            throw new IllegalArgumentException("chunkRows and queuedChunks must be positive");
        }
    }

    public static IngestSettings defaults(Path spoolDir) {
        return new IngestSettings(spoolDir, IngestLimits.DEFAULT, ChunkPlan.DEFAULT_CHUNK_ROWS, DEFAULT_QUEUED_CHUNKS,
                DEFAULT_ASYNC_THRESHOLD_BYTES);
    }

    public IngestSettings withChunkRows(int rows) {
        return new IngestSettings(spoolDir, limits, rows, queuedChunks, asyncThresholdBytes);
    }

    public IngestSettings withLimits(IngestLimits newLimits) {
        return new IngestSettings(spoolDir, newLimits, chunkRows, queuedChunks, asyncThresholdBytes);
    }
}
