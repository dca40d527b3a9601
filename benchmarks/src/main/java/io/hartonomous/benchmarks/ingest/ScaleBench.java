package io.hartonomous.benchmarks.ingest;

import io.hartonomous.ingest.pipeline.IngestOutcome;
import io.hartonomous.ingest.pipeline.IngestPipeline;
import io.hartonomous.ingest.pipeline.IngestSettings;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.atoms.PlacedValue;
import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.local.Machine;
import io.hartonomous.storage.local.ScratchDirs;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Issue 12: one large image through the pipeline into a fresh embedded file database, in-process. Records positions
 * per second of ingest and of reading every placed value back (the pages {@code /api/atoms/{id}/content} reads),
 * and bytes on disk per position. The image is a real photograph from the test data cache (snake.png) scaled up
 * bicubically by {@code --scale}, since the cache holds no multi-megapixel photo; interpolation keeps it
 * photo-like (many distinct colours).
 */
final class ScaleBench {
    private ScaleBench() {
    }

    static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** The database's size after {@code SHUTDOWN COMPACT} (H2 drops the pages its copy-on-write left behind). */
    static long compactedSize(Path db) throws IOException {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(
                LocalStorage.embeddedFile(db).url(), LocalStorage.DEFAULT_USER, "")) {
            c.createStatement().execute("SHUTDOWN COMPACT");
        } catch (java.sql.SQLException e) {
            throw new IOException("could not compact " + db, e);
        }
        return size(db);
    }

    /**
     * @param file an image to ingest as it is, or null for snake.png scaled by {@code scale}
     * @param chunkRows positions per chunk (each chunk one transaction)
     */
    static String run(Path root, int scale, Path file, int chunkRows) throws Exception {
        Path work = Files.createTempDirectory("hart-bench-scale");
        try {
            Path png;
            int w;
            int h;
            if (file != null) {
                png = file;
                BufferedImage given = ImageIO.read(file.toFile());
                w = given.getWidth();
                h = given.getHeight();
            } else {
                BufferedImage source = ImageIO.read(root.resolve("testdata/cache/images/snake.png").toFile());
                w = source.getWidth() * scale;
                h = source.getHeight() * scale;
                BufferedImage big = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = big.createGraphics();
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
                g.drawImage(source, 0, 0, w, h, null);
                g.dispose();
                png = work.resolve("snake-x" + scale + ".png");
                ImageIO.write(big, "png", png.toFile());
            }

            Path empty = Files.createTempDirectory(work, "empty");
            StorageEngines.open(LocalStorage.embeddedFile(empty)).close();
            long emptyBytes = size(empty);

            Path db = Files.createTempDirectory(work, "db");
            IngestOutcome outcome;
            double ingestMs;
            try (StorageEngine engine = StorageEngines.open(LocalStorage.embeddedFile(db))) {
                IngestPipeline pipeline = new IngestPipeline(engine, IngestSettings.defaults(db.resolve("spool")).withChunkRows(chunkRows));
                long t0 = System.nanoTime();
                try (InputStream in = Files.newInputStream(png)) {
                    outcome = pipeline.ingest("bench", null, png.getFileName().toString(), in);
                }
                ingestMs = (System.nanoTime() - t0) / 1e6;
            }
            ScratchDirs.delete(db.resolve("spool"));
            long bytes = size(db) - emptyBytes;
            double readMs;
            long positions;
            long checksum = 0;
            try (StorageEngine engine = StorageEngines.open(LocalStorage.embeddedFile(db))) {
                var reads = engine.forTenant("bench").atoms();
                positions = reads.compositionCount(outcome.atomId());
                long t0 = System.nanoTime();
                // One stream over the file, as GET /api/atoms/{id}/content reads it (the engine windows it).
                try (Stream<PlacedValue> all = reads.placedValues(outcome.atomId(), 0, positions)) {
                    for (Iterator<PlacedValue> it = all.iterator(); it.hasNext(); ) {
                        PlacedValue v = it.next();
                        checksum += v.sequenceIndex() ^ v.value()[0];
                    }
                }
                readMs = (System.nanoTime() - t0) / 1e6;
            }
            long compacted = compactedSize(db) - emptyBytes;
            double floorMs = DistinctFloor.measure(db, outcome.atomId(), Files.createTempDirectory(work, "floor"));
            String line = String.format(Locale.ROOT, "| %s (%d x %d) | %,d | %,d | %,.0f ms | %,.0f ms (%.1fx) "
                            + "| %,.0f | %,.0f ms | %,.0f | %,.1f MB | %.1f | %.1f |%n", png.getFileName(), w, h,
                    positions, outcome.distinctAtoms(), ingestMs, floorMs, ingestMs / floorMs,
                    positions / (ingestMs / 1e3), readMs, positions / (readMs / 1e3), bytes / 1e6,
                    (double) bytes / positions, (double) compacted / positions);
            return """
                    | image | positions | distinct atoms | ingest | H2 floor (ingest / floor) | positions/s \
                    | read back | positions/s | on disk | bytes / position | compacted bytes / position |
                    |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
                    """ + line + String.format(Locale.ROOT, "%nIn-process, fresh embedded file database, one run; "
                    + "on disk = database files after close minus an empty database (H2's file keeps the space its "
                    + "copy-on-write pages freed, for reuse); compacted = the same after SHUTDOWN COMPACT; H2 floor = inserting only the file's distinct atoms and their dictionary entries into a fresh database (DistinctFloor); JDK %s, %d cores, %s, "
                    + "%,d positions per chunk, load average %s; read-back checksum %d.%n", Runtime.version(),
                    Runtime.getRuntime().availableProcessors(), Machine.cpu(), chunkRows, Machine.loadAverage(), checksum);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            ScratchDirs.delete(work);
        }
    }
}
