package io.hartonomous.benchmarks.ingest;

import io.hartonomous.ingest.atomize.ChunkPlan;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.local.ScratchDirs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Locale;

/**
 * Issue 12, storage: bytes on disk per position of one file, row per position (before: RawInsert's old tables, the
 * rows the file became) against segments (after: the pipeline into the engine as it is), each into a fresh embedded
 * file database, minus an empty one; as written and after {@code SHUTDOWN COMPACT}. The atoms are in both.
 */
final class StorageBytes {
    private StorageBytes() {
    }

    static String header() {
        return """
                | file | positions | distinct atoms | row per position | after compaction | segments | after \
                compaction | compacted, after / before |
                |---|---:|---:|---:|---:|---:|---:|---:|
                """;
    }

    /** One row of the table, in bytes per position. */
    static String row(Path file, String label) throws Exception {
        Path work = Files.createTempDirectory("hart-bench-bytes");
        try {
            Path empty = Files.createTempDirectory(work, "empty");
            StorageEngines.open(LocalStorage.embeddedFile(empty)).close();
            long emptyBytes = ScaleBench.size(empty);
            long emptyCompacted = ScaleBench.compactedSize(empty);

            Path segments = Files.createTempDirectory(work, "segments");
            IngestedModel ingested = IngestedModel.ingest(segments, file);
            long positions = ingested.outcome().compositions();
            long after = ScaleBench.size(segments) - emptyBytes;
            long afterCompacted = ScaleBench.compactedSize(segments) - emptyCompacted;

            Path rows = Files.createTempDirectory(work, "rows");
            StorageEngines.open(LocalStorage.embeddedFile(rows)).close();
            try (Connection c = DriverManager.getConnection(LocalStorage.embeddedFile(rows).url(),
                    LocalStorage.DEFAULT_USER, "")) {
                RawRows.insertStreaming(file, ChunkPlan.DEFAULT_CHUNK_ROWS, c, Double.MAX_VALUE);
            }
            long before = ScaleBench.size(rows) - emptyBytes;
            long beforeCompacted = ScaleBench.compactedSize(rows) - emptyCompacted;
            double p = positions;
            return String.format(Locale.ROOT, "| %s | %,d | %,d | %.1f | %.1f | %.1f | %.1f | %.2f |%n", label,
                    positions, ingested.outcome().distinctAtoms(), before / p, beforeCompacted / p, after / p,
                    afterCompacted / p, (double) afterCompacted / beforeCompacted);
        } finally {
            ScratchDirs.delete(work);
        }
    }
}
