package io.hartonomous.benchmarks.ingest;

import io.hartonomous.benchmarks.SyntheticImages;
import io.hartonomous.ingest.atomize.AtomizedFile;
import io.hartonomous.ingest.atomize.Atomizers;
import io.hartonomous.ingest.atomize.ChunkEmitter;
import io.hartonomous.ingest.atomize.ChunkPlan;
import io.hartonomous.ingest.atomize.ChunkSink;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.ingest.pipeline.IngestOutcome;
import io.hartonomous.ingest.pipeline.IngestPipeline;
import io.hartonomous.ingest.pipeline.IngestSettings;
import io.hartonomous.kernels.DistinctInts;
import io.hartonomous.kernels.DistinctKernels;
import io.hartonomous.kernels.PixelKernels;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.local.Machine;
import io.hartonomous.storage.local.ScratchDirs;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Issue 12, "use both cores in the ingest tier": atomizing a decoded high-cardinality photo (canonical values,
 * distinct values per chunk, SHA-256 of the distinct values, the chunk records the writer receives) at parallelism 1
 * and 2, against what the kernel goal allows, measured in the same process and interleaved round by round:
 * SHA-256 of the photo's distinct values (one reused JDK digest, SHA-NI here) divided by the cores, plus one pass over
 * the pixels (the decoded frame read once into canonical RGBA8 keys). Then the testdata photo ingested end to end
 * into a fresh embedded database at parallelism 1 and 2. Photos: the testdata JPEG/PNG with the most distinct colours, and the
 * kernels' synthetic 2048 x 2048 "photo" written as a PNG by this bench (a larger job: 64 chunks instead of 5).
 */
final class ParallelAtomize {
    private static final int WARMUP_ROUNDS = 5;
    private static final int E2E_RUNS = 5;
    private static final byte[] HEADER = "image/rgba8\0".getBytes(StandardCharsets.UTF_8);

    private ParallelAtomize() {
    }

    static String run(Path root, int rounds) throws Exception {
        String loadBefore = Machine.loadAverage();
        Path work = Files.createTempDirectory("hart-bench-parallel");
        try {
            List<Path> photos = List.of(highestCardinalityPhoto(root.resolve("testdata/cache/images")),
                    syntheticPhoto(work));
            StringBuilder atomizing = new StringBuilder("""
                    | photo | pixels | distinct colours | chunk rows (chunks) | one pass over the pixels | \
                    SHA-256 of the distinct values | goal budget: SHA ÷ cores + pass | atomize, 1 thread | \
                    atomize, 2 threads | speed-up | 2 threads ÷ budget (goal <= 1.5) |
                    |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
                    """);
            StringBuilder endToEnd = new StringBuilder("""
                    | photo | ImageIO decode | end-to-end ingest, parallel chunks 1 | parallel chunks 2 | speed-up |
                    |---|---:|---:|---:|---:|
                    """);
            for (Path photo : photos) {
                for (int chunkRows : new int[]{ChunkPlan.DEFAULT_CHUNK_ROWS, 16_384}) {
                    atomizing.append(atomizing(photo, chunkRows, rounds));
                }
            }
            // End to end only for the testdata photo: the synthetic one's 4.2 M rows take minutes per run in H2.
            endToEnd.append(endToEnd(work, photos.getFirst()));
            return atomizing + "\n" + endToEnd + String.format(Locale.ROOT, """

                    Atomizing: medians of %d interleaved rounds (each round measures every column once) after %d \
                    warm-up rounds, in one JVM. End to end: medians of %d runs each, interleaved, fresh file databases \
                    after one warm-up. JDK %s, %d cores (%s), -Xmx%dm; load average (1, 5, 15 min) %s before, %s \
                    after. Rerun: `java -cp benchmarks/target/benchmarks.jar \
                    io.hartonomous.benchmarks.ingest.IngestBench parallel-atomize`.
                    """, rounds, WARMUP_ROUNDS, E2E_RUNS, Runtime.version(),
                    Runtime.getRuntime().availableProcessors(), Machine.cpu(), Runtime.getRuntime().maxMemory() >> 20,
                    loadBefore, Machine.loadAverage());
        } finally {
            ScratchDirs.delete(work);
        }
    }

    /** The testdata JPEG or PNG (top level of images/) with the most distinct RGBA8 values. */
    private static Path highestCardinalityPhoto(Path images) throws IOException {
        List<Path> candidates;
        try (Stream<Path> files = Files.list(images)) {
            candidates = files.filter(p -> p.toString().endsWith(".png") || p.toString().endsWith(".jpg")).sorted()
                    .toList();
        }
        Path best = null;
        int bestDistinct = -1;
        for (Path p : candidates) {
            BufferedImage image = ImageIO.read(p.toFile());
            if (image == null || !(image.getColorModel() instanceof ComponentColorModel)
                    || image.getRaster().getNumBands() < 3) {
                continue; // palette, gray: low cardinality by construction
            }
            int distinct = DistinctKernels.distinct(keys(image), 0, image.getWidth() * image.getHeight())
                    .distinctCount();
            if (distinct > bestDistinct) {
                best = p;
                bestDistinct = distinct;
            }
        }
        if (best == null) {
            throw new IllegalStateException("no RGB JPEG/PNG in " + images + ": run testdata/fetch");
        }
        return best;
    }

    private static Path syntheticPhoto(Path work) throws IOException {
        int w = 2048;
        int h = 2048;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, w, h, SyntheticImages.argb("photo", w, h), 0, w);
        Path file = work.resolve("synthetic-photo-2048.png");
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    /** One pass over the pixels: every row of the decoded frame read once and converted to canonical RGBA8 keys. */
    private static int[] keys(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        int[] samples = new int[w * bands];
        byte[] bytes = new byte[w * bands];
        int[] keys = new int[w * h];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, samples);
            for (int i = 0; i < samples.length; i++) {
                bytes[i] = (byte) samples[i];
            }
            PixelKernels.interleaved8ToRgba8(bytes, 0, w, bands, keys, y * w);
        }
        return keys;
    }

    private static String atomizing(Path photo, int chunkRows, int rounds) throws Exception {
        BufferedImage image = ImageIO.read(photo.toFile());
        long pixels = (long) image.getWidth() * image.getHeight();
        DistinctInts distinct = DistinctKernels.distinct(keys(image), 0, (int) pixels);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        double[] pass = new double[rounds];
        double[] hash = new double[rounds];
        double[] one = new double[rounds];
        double[] two = new double[rounds];
        int chunks;
        try (AtomizedFile file = Atomizers.open(photo, Modality.IMAGE, IngestLimits.DEFAULT, chunkRows)) {
            chunks = file.chunkCount();
            for (int round = -WARMUP_ROUNDS; round < rounds; round++) {
                long t0 = System.nanoTime();
                int[] keys = keys(image);
                long t1 = System.nanoTime();
                byte[] last = hashAll(sha, distinct);
                long t2 = System.nanoTime();
                long rows1 = atomize(file, 1);
                long t3 = System.nanoTime();
                long rows2 = atomize(file, 2);
                long t4 = System.nanoTime();
                if (rows1 != pixels || rows2 != pixels || keys.length != pixels || last.length != 32) {
                    throw new IllegalStateException("atomized " + rows1 + " / " + rows2 + " rows of " + pixels);
                }
                if (round >= 0) {
                    pass[round] = (t1 - t0) / 1e6;
                    hash[round] = (t2 - t1) / 1e6;
                    one[round] = (t3 - t2) / 1e6;
                    two[round] = (t4 - t3) / 1e6;
                }
            }
        }
        double p = IngestBench.median(pass);
        double s = IngestBench.median(hash);
        double a1 = IngestBench.median(one);
        double a2 = IngestBench.median(two);
        int cores = Runtime.getRuntime().availableProcessors();
        double budget = s / cores + p;
        String line = String.format(Locale.ROOT,
                "| %s | %,d | %,d | %,d (%d) | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.2fx | %.2fx |%n",
                photo.getFileName(), pixels, distinct.distinctCount(), chunkRows, chunks, p, s, budget, a1, a2,
                a1 / a2, a2 / budget);
        System.out.print(line);
        return line;
    }

    /** SHA-256 over the typed header and each distinct value's 4 little-endian bytes, as ContentHash defines it. */
    private static byte[] hashAll(MessageDigest sha, DistinctInts distinct) {
        byte[] value = new byte[4];
        byte[] out = null;
        for (int i = 0; i < distinct.distinctCount(); i++) {
            int v = distinct.values()[i];
            value[0] = (byte) v;
            value[1] = (byte) (v >>> 8);
            value[2] = (byte) (v >>> 16);
            value[3] = (byte) (v >>> 24);
            sha.update(HEADER);
            sha.update(value);
            out = sha.digest();
        }
        return out;
    }

    /** Every chunk of the decoded file, atomized by the pipeline's emitter and handed to a sink that keeps nothing. */
    private static long atomize(AtomizedFile file, int parallelism) throws IOException {
        long[] rows = {0};
        new ChunkEmitter(parallelism).emit(file, 0, new ChunkSink() {
            @Override
            public void chunk(Chunk chunk) {
                rows[0] += chunk.compositions().size();
            }
        }, "bench-atomize");
        return rows[0];
    }

    private static String endToEnd(Path work, Path photo) throws Exception {
        long t0 = System.nanoTime();
        BufferedImage decoded = ImageIO.read(photo.toFile());
        double decode = (System.nanoTime() - t0) / 1e6;
        ingest(work, photo, 1); // warm-up
        double[] one = new double[E2E_RUNS];
        double[] two = new double[E2E_RUNS];
        for (int run = 0; run < E2E_RUNS; run++) {
            one[run] = ingest(work, photo, 1);
            two[run] = ingest(work, photo, 2);
        }
        double e1 = IngestBench.median(one);
        double e2 = IngestBench.median(two);
        String line = String.format(Locale.ROOT, "| %s (%dx%d) | %,.0f ms | %,.0f ms | %,.0f ms | %.2fx |%n",
                photo.getFileName(), decoded.getWidth(), decoded.getHeight(), decode, e1, e2, e1 / e2);
        System.out.print(line);
        return line;
    }

    private static double ingest(Path work, Path photo, int parallelChunks) throws Exception {
        Path dir = Files.createTempDirectory(work, "e2e");
        try (StorageEngine engine = StorageEngines.open(LocalStorage.embeddedFile(dir))) {
            IngestPipeline pipeline = new IngestPipeline(engine, IngestSettings.defaults(dir.resolve("spool"))
                    .withParallelChunks(parallelChunks));
            long t0 = System.nanoTime();
            IngestOutcome outcome;
            try (InputStream in = Files.newInputStream(photo)) {
                outcome = pipeline.ingest("bench", Modality.IMAGE, photo.getFileName().toString(), in);
            }
            double millis = (System.nanoTime() - t0) / 1e6;
            if (outcome.compositions() == 0) {
                throw new IllegalStateException("nothing ingested from " + photo);
            }
            return millis;
        } finally {
            ScratchDirs.delete(dir);
        }
    }
}
