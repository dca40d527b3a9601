package io.hartonomous.ingest.pipeline;

import io.hartonomous.ingest.atomize.ChunkPlan;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.storage.contract.atoms.Modality;

import java.nio.file.Path;

/**
 * How the pipeline runs: where uploads are spooled (must survive a crash: resume reads the spool), the limits checked
 * before work starts, rows per chunk (and pixels per chunk of an image), how many chunks may wait for the writer
 * (backpressure), how many chunks of a job are atomized at once (each job's own worker threads; 1 = on the job's
 * thread), and from what size an HTTP ingest answers 202 and continues in the background.
 */
public record IngestSettings(Path spoolDir, IngestLimits limits, int chunkRows, int imageChunkRows, int queuedChunks,
                             int parallelChunks, long asyncThresholdBytes) {
    /** Chunks that may wait for the committer. */
    public static final int DEFAULT_QUEUED_CHUNKS = 4;
    /** 32 MiB: larger HTTP uploads are answered 202 and continue in the background. */
    public static final long DEFAULT_ASYNC_THRESHOLD_BYTES = 32L << 20;

    public IngestSettings {
        if (spoolDir == null || limits == null) {
            throw new IllegalArgumentException("spool folder and limits are required");
        }
        if (chunkRows < 1 || imageChunkRows < 1 || queuedChunks < 1 || parallelChunks < 1 || asyncThresholdBytes < 0) {
            throw new IllegalArgumentException("chunkRows, imageChunkRows, queuedChunks and parallelChunks must be "
                    + "positive");
        }
    }

    /** Chunks atomized at once unless configured otherwise: one per core. */
    public static int defaultParallelChunks() {
        return Runtime.getRuntime().availableProcessors();
    }

    public static IngestSettings defaults(Path spoolDir) {
        return new IngestSettings(spoolDir, IngestLimits.DEFAULT, ChunkPlan.DEFAULT_CHUNK_ROWS,
                ChunkPlan.DEFAULT_IMAGE_CHUNK_ROWS, DEFAULT_QUEUED_CHUNKS, defaultParallelChunks(),
                DEFAULT_ASYNC_THRESHOLD_BYTES);
    }

    /** Rows per chunk of a file of this modality. */
    public int chunkRows(Modality modality) {
        return modality == Modality.IMAGE ? imageChunkRows : chunkRows;
    }

    /** The same rows per chunk for every modality. */
    public IngestSettings withChunkRows(int rows) {
        return new IngestSettings(spoolDir, limits, rows, rows, queuedChunks, parallelChunks, asyncThresholdBytes);
    }

    public IngestSettings withLimits(IngestLimits newLimits) {
        return new IngestSettings(spoolDir, newLimits, chunkRows, imageChunkRows, queuedChunks, parallelChunks,
                asyncThresholdBytes);
    }

    public IngestSettings withParallelChunks(int chunks) {
        return new IngestSettings(spoolDir, limits, chunkRows, imageChunkRows, queuedChunks, chunks,
                asyncThresholdBytes);
    }
}
