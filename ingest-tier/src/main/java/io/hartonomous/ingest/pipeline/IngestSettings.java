package io.hartonomous.ingest.pipeline;

import io.hartonomous.ingest.atomize.ChunkPlan;
import io.hartonomous.ingest.atomize.IngestLimits;

import java.nio.file.Path;

/**
 * How the pipeline runs: where uploads are spooled (must survive a crash: resume reads the spool), the limits checked
 * before work starts, rows per chunk, how many chunks may wait for the writer (backpressure), how many chunks of a
 * job are atomized at once (each job's own worker threads; 1 = on the job's thread), and from what size an HTTP
 * ingest answers 202 and continues in the background.
 */
public record IngestSettings(Path spoolDir, IngestLimits limits, int chunkRows, int queuedChunks,
                             int parallelChunks, long asyncThresholdBytes) {
    /** Chunks that may wait for the committer. */
    public static final int DEFAULT_QUEUED_CHUNKS = 4;
    /** 32 MiB: larger HTTP uploads are answered 202 and continue in the background. */
    public static final long DEFAULT_ASYNC_THRESHOLD_BYTES = 32L << 20;

    public IngestSettings {
        if (spoolDir == null || limits == null) {
            throw new IllegalArgumentException("spool folder and limits are required");
        }
        if (chunkRows < 1 || queuedChunks < 1 || parallelChunks < 1 || asyncThresholdBytes < 0) {
            throw new IllegalArgumentException("chunkRows, queuedChunks and parallelChunks must be positive");
        }
    }

    /** Chunks atomized at once unless configured otherwise: one per core. */
    public static int defaultParallelChunks() {
        return Runtime.getRuntime().availableProcessors();
    }

    public static IngestSettings defaults(Path spoolDir) {
        return new IngestSettings(spoolDir, IngestLimits.DEFAULT, ChunkPlan.DEFAULT_CHUNK_ROWS, DEFAULT_QUEUED_CHUNKS,
                defaultParallelChunks(), DEFAULT_ASYNC_THRESHOLD_BYTES);
    }

    public IngestSettings withChunkRows(int rows) {
        return new IngestSettings(spoolDir, limits, rows, queuedChunks, parallelChunks, asyncThresholdBytes);
    }

    public IngestSettings withLimits(IngestLimits newLimits) {
        return new IngestSettings(spoolDir, newLimits, chunkRows, queuedChunks, parallelChunks, asyncThresholdBytes);
    }

    public IngestSettings withParallelChunks(int chunks) {
        return new IngestSettings(spoolDir, limits, chunkRows, queuedChunks, chunks, asyncThresholdBytes);
    }
}
