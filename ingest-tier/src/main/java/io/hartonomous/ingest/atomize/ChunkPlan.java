package io.hartonomous.ingest.atomize;

/** Deterministic chunking of {@code rows} rows into chunks of {@code chunkRows}: chunk k is always the same rows. */
public record ChunkPlan(long rows, int chunkRows) {
    /** Rows per chunk unless configured otherwise (the one place this default is written). */
    public static final int DEFAULT_CHUNK_ROWS = 65_536;
    /**
     * Pixels per chunk of an image unless configured otherwise: a chunk repeats per-chunk work for the colours the
     * file already holds, and a pixel costs at most 28 bytes plus one distinct atom's ~150 (docs/decisions.md).
     */
    public static final int DEFAULT_IMAGE_CHUNK_ROWS = 262_144;

    public ChunkPlan {
        if (chunkRows < 1 || rows < 0) {
            throw new IllegalArgumentException("chunkRows must be positive and rows non-negative");
        }
    }

    public int chunkCount() {
        return Math.toIntExact((rows + chunkRows - 1) / chunkRows);
    }

    /** First row of chunk {@code chunk}, which must be one of the plan's. */
    public long start(int chunk) {
        java.util.Objects.checkIndex(chunk, chunkCount());
        return (long) chunk * chunkRows;
    }

    public int size(int chunk) {
        return (int) Math.min(chunkRows, rows - start(chunk));
    }

    public void checkFrom(int fromChunk) {
        if (fromChunk < 0 || fromChunk > chunkCount()) {
            throw new IllegalArgumentException("cannot resume from chunk " + fromChunk + " of " + chunkCount());
        }
    }

    /** Progress in source bytes, proportional to rows done; the last chunk reports the whole file. */
    public long bytesDone(int chunk, long bytesTotal) {
        long end = start(chunk) + size(chunk);
        return end >= rows ? bytesTotal : (long) ((double) bytesTotal * end / rows);
    }
}
