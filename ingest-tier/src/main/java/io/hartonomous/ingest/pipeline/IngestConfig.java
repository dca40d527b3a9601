package io.hartonomous.ingest.pipeline;

import io.hartonomous.ingest.atomize.ChunkPlan;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The ingest service's {@code hart.ingest.*} configuration (documented in application.properties). Its defaults are
 * the code's own ({@link IngestLimits}, {@link ChunkPlan}, {@link IngestSettings}), so each is written down once.
 */
@ConfigMapping(prefix = "hart.ingest")
public interface IngestConfig {
    @WithDefault("" + IngestLimits.DEFAULT_MAX_BYTES)
    long maxBytes();

    @WithDefault("" + IngestLimits.DEFAULT_MAX_PIXELS)
    long maxPixels();

    @WithDefault("" + IngestLimits.DEFAULT_MAX_FRAMES)
    long maxFrames();

    @WithDefault("" + IngestLimits.DEFAULT_MAX_TENSORS)
    int maxTensors();

    @WithDefault("" + IngestLimits.DEFAULT_MAX_HEADER_BYTES)
    long maxHeaderBytes();

    @WithDefault("" + IngestLimits.DEFAULT_MAX_TENSOR_ELEMENTS)
    long maxTensorElements();

    @WithDefault("" + ChunkPlan.DEFAULT_CHUNK_ROWS)
    int chunkRows();

    @WithDefault("" + ChunkPlan.DEFAULT_IMAGE_CHUNK_ROWS)
    int imageChunkRows();

    @WithDefault("" + IngestSettings.DEFAULT_QUEUED_CHUNKS)
    int queuedChunks();

    /** Chunks of one job atomized at once; unset: {@link IngestSettings#defaultParallelChunks()} (one per core). */
    java.util.OptionalInt parallelChunks();

    @WithDefault("" + IngestSettings.DEFAULT_ASYNC_THRESHOLD_BYTES)
    long asyncThresholdBytes();

    /** Threads that run large uploads after their 202 and resume unfinished jobs at start. */
    @WithDefault("2")
    int backgroundJobs();
}
