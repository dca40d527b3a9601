package io.hartonomous.ingest.pipeline;

import io.hartonomous.ingest.atomize.ChunkPlan;
import io.hartonomous.storage.contract.ingest.IngestionJob;

import java.util.OptionalInt;

/**
 * The chunk size a job left running must be resumed with: the one it started with, which need not be today's
 * setting ({@code hart.ingest.chunk-rows} changed, or its default did, between the crash and the restart). A job's
 * watermark counts chunks, so resuming chunk k of another plan would skip or repeat positions. The job does not
 * record its chunk size, but its committed chunks do: every committed chunk but a file's last is full, so
 * {@code compositions} (the positions written) is {@code chunksCommitted} times the size, or the whole file.
 */
final class ResumeChunking {
    private ResumeChunking() {
    }

    /**
     * The chunk size to resume {@code job} with, for a file of {@code rows} positions, preferring {@code configured}
     * where it fits what was committed; empty when no size fits (the job cannot be resumed safely).
     */
    static OptionalInt chunkRows(IngestionJob job, long rows, int configured) {
        int committed = job.chunksCommitted();
        long written = job.compositions();
        if (committed == 0) {
            return OptionalInt.of(configured);
        }
        if (written == rows) {
            // Every position is in: resuming emits nothing, with any plan of exactly `committed` chunks.
            if (new ChunkPlan(rows, configured).chunkCount() == committed) {
                return OptionalInt.of(configured);
            }
            long size = (rows + committed - 1) / committed;
            return size <= Integer.MAX_VALUE && new ChunkPlan(rows, (int) size).chunkCount() == committed
                    ? OptionalInt.of((int) size) : OptionalInt.empty();
        }
        if (written % committed != 0 || written / committed > Integer.MAX_VALUE || written > rows) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) (written / committed));
    }
}
