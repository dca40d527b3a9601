package io.hartonomous.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hartonomous.storage.local.BootstrapKeys;
import io.hartonomous.storage.local.Machine;
import io.hartonomous.storage.local.ScratchDirs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code ./hart bench scale}: a multi-megapixel photo through the three processes of {@code ./hart serve}, as users
 * run it (issue 12). In one run: ImageIO's decode of the file in this JVM (the baseline), the file's ingest over
 * HTTP into a fresh database and its reconstruction through {@code GET /api/atoms/{id}/content} (checked bit-exact
 * against the JDK's decode), then the same file into a second database that already holds the positions of its
 * variants (flipped, mirrored, turned), and the bytes on disk per position. Figures into the "scale" section of
 * docs/benchmarks.md. The files come from {@code testdata/fetch-large}.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "A 17.9 MP photo through ./hart serve: ingest and reconstruction vs ImageIO's decode, fresh vs "
                + "a database grown by its variants, bytes per position.")
final class ScaleBenchCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--file", description = "The photo (default: large/Elephants_5640x3172.jpg of the test data).")
    Path file;

    @Option(names = "--variants", defaultValue = "3",
            description = "Variants ingested before the grown-database run, 0-3 (default ${DEFAULT-VALUE}).")
    int variants;

    @Option(names = "--testdata", description = "The test data cache (default: $HART_TESTDATA_CACHE, else "
            + "testdata/cache under the project root).")
    Path testdata;

    private static final Duration LONG_CALL = Duration.ofMinutes(30);

    /** One ingest over HTTP: how long until its job completed, the file atom, how many positions it stored. */
    record Ingested(double seconds, long atomId, long positions) {
    }

    @Override
    public Integer call() throws Exception {
        Layout layout = Layout.current();
        Path cache = testdata != null ? testdata : System.getenv("HART_TESTDATA_CACHE") != null
                ? Path.of(System.getenv("HART_TESTDATA_CACHE")) : layout.root().resolve("testdata/cache");
        Path large = cache.resolve("large");
        Path photo = file != null ? file : large.resolve("Elephants_5640x3172.jpg");
        List<Path> grow = Stream.of("flip", "flop", "rot180").map(v -> large.resolve("variant-" + v + ".jpg"))
                .limit(Math.max(0, Math.min(3, variants))).toList();
        for (Path p : concat(List.of(photo), grow)) {
            if (!Files.isRegularFile(p)) {
                System.err.println(p + " is missing: run testdata/fetch-large");
                return 2;
            }
        }
        String loadBefore = Machine.loadAverage();
        byte[] original = Files.readAllBytes(photo);
        double decode = medianDecodeSeconds(photo, 3);
        var size = ImageIO.read(photo.toFile());
        long pixels = (long) size.getWidth() * size.getHeight();
        System.out.printf(Locale.ROOT, "[scale] %s: %d x %d = %,d pixels, ImageIO decode %.2f s (median of 3)%n",
                photo.getFileName(), size.getWidth(), size.getHeight(), pixels, decode);

        Ingested fresh;
        double read;
        double firstRead;
        long freshBytes;
        Path freshData = Files.createTempDirectory("hart-bench-scale-fresh");
        try (Stack stack = start(layout, freshData)) {
            TierClient ingestTier = TierClient.of(stack.ingestUrl(), stack.apiKey());
            TierClient api = TierClient.of(stack.apiUrl(), stack.apiKey());
            fresh = ingest(ingestTier, photo);
            System.out.printf(Locale.ROOT, "[scale] fresh database: ingest %.2f s (%,d positions)%n", fresh.seconds(),
                    fresh.positions());
            // As the decode baseline: the median of 3, each checked; the first (the API's code not yet compiled)
            // is reported beside it.
            double[] reads = new double[3];
            for (int i = 0; i < reads.length; i++) {
                long t0 = System.nanoTime();
                byte[] png = api.bytes("/api/atoms/" + fresh.atomId() + "/content", LONG_CALL);
                reads[i] = (System.nanoTime() - t0) / 1e9;
                if (!SameContent.image(original, png)) {
                    throw new IllegalStateException("the reconstruction of " + photo
                            + " differs from the JDK's decode");
                }
                System.out.printf(Locale.ROOT, "[scale] reconstruction %.2f s (%,d bytes of PNG), bit-exact%n",
                        reads[i], png.length);
            }
            firstRead = reads[0];
            read = median(reads);
        } finally {
            freshBytes = databaseBytes(freshData) - emptyBytes(freshData);
            ScratchDirs.delete(freshData);
        }

        Ingested grown;
        long grownPositions = 0;
        long grownBytes;
        Path grownData = Files.createTempDirectory("hart-bench-scale-grown");
        try (Stack stack = start(layout, grownData)) {
            TierClient ingestTier = TierClient.of(stack.ingestUrl(), stack.apiKey());
            for (Path v : grow) {
                Ingested g = ingest(ingestTier, v);
                grownPositions += g.positions();
                System.out.printf(Locale.ROOT, "[scale] grow: %s %.2f s (%,d positions; %,d in the database)%n",
                        v.getFileName(), g.seconds(), g.positions(), grownPositions);
            }
            grown = ingest(ingestTier, photo);
            System.out.printf(Locale.ROOT, "[scale] grown database: ingest %.2f s%n", grown.seconds());
        } finally {
            grownBytes = databaseBytes(grownData) - emptyBytes(grownData);
            ScratchDirs.delete(grownData);
        }

        String md = String.format(Locale.ROOT, """
                Stack: storage (H2 TCP server), ingest tier and API as three processes on loopback, as `./hart serve` \
                runs them; the client is this JVM. File: `%s` (%d x %d, %,d pixels, %,d bytes; %s). Baseline: \
                `ImageIO.read` of the same file in this JVM, median of 3, measured in the same run.

                | measure | seconds | ratio to ImageIO decode | goal |
                |---|---:|---:|---|
                | ImageIO decode (baseline) | %.2f | 1.00 | |
                | ingest over HTTP, fresh database (until the job completed) | %.2f | %.2f | <= 2 |
                | reconstruction `GET /api/atoms/{id}/content` (PNG, checked bit-exact), median of 3 | %.2f | %.2f | <= 2 |
                | the same, first request after the API started | %.2f | %.2f | |

                | database | positions before | ingest seconds | ratio to fresh | goal |
                |---|---:|---:|---:|---|
                | fresh | 0 | %.2f | 1.00 | |
                | grown by %d variant(s) of the photo | %,d | %.2f | %.2f | <= 1.2 |

                Bytes on disk (growth of the H2 file from the empty schema to after the runs): fresh %,d bytes for \
                %,d positions = %.2f bytes/position; grown %,d bytes for %,d positions = %.2f bytes/position. Load average (1, 5, 15 min) %s before, %s \
                after; %d cores (%s), JDK %s. `./hart bench scale` regenerates this section.
                """, photo.getFileName(), size.getWidth(), size.getHeight(), pixels, original.length,
                file == null ? "Debian mate-backgrounds through `testdata/fetch-large`" : "given with --file", decode,
                fresh.seconds(), fresh.seconds() / decode, read, read / decode, firstRead, firstRead / decode,
                fresh.seconds(), grow.size(),
                grownPositions, grown.seconds(), grown.seconds() / fresh.seconds(), freshBytes, fresh.positions(),
                (double) freshBytes / Math.max(1, fresh.positions()), grownBytes,
                grownPositions + grown.positions(),
                (double) grownBytes / Math.max(1, grownPositions + grown.positions()), loadBefore,
                Machine.loadAverage(), Runtime.getRuntime().availableProcessors(), Machine.cpu(), Runtime.version());
        System.out.println(md);
        int exit = BenchJvm.writeSection(layout, "scale", md);
        if (exit == 0) {
            System.out.println("wrote the scale section of " + BenchJvm.docs(layout));
        }
        return exit;
    }

    /** The stack on a fresh data folder; the size of its database before anything is ingested is kept beside. */
    private static Stack start(Layout layout, Path data) throws IOException {
        Stack stack = Stack.start(layout, data, ApiBenchCommand.freePort(), ApiBenchCommand.freePort(),
                ApiBenchCommand.freePort(), BootstrapKeys.generate());
        Files.writeString(data.resolve(EMPTY), Long.toString(databaseBytes(data)));
        return stack;
    }

    private static final String EMPTY = "empty-database-bytes.txt";

    private static long emptyBytes(Path data) throws IOException {
        Path f = data.resolve(EMPTY);
        return Files.exists(f) ? Long.parseLong(Files.readString(f).strip()) : 0;
    }

    private static Ingested ingest(TierClient ingestTier, Path file) throws IOException,
            InterruptedException {
        long t0 = System.nanoTime();
        JsonNode result = ingestTier.ingest(file, "image", new ProgressBar(file.getFileName().toString(),
                Files.size(file)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Ingested(seconds, result.path("atomId").asLong(), result.path("compositions").asLong());
    }

    private static double medianDecodeSeconds(Path photo, int runs) throws IOException {
        double[] seconds = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            if (ImageIO.read(photo.toFile()) == null) {
                throw new IOException("ImageIO cannot read " + photo);
            }
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        return median(seconds);
    }

    /** The middle of the timings (sorts them in place). */
    private static double median(double[] seconds) {
        Arrays.sort(seconds);
        return seconds[seconds.length / 2];
    }

    /** The H2 database files in the data folder. */
    private static long databaseBytes(Path data) throws IOException {
        try (Stream<Path> files = Files.list(data)) {
            long total = 0;
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".mv.db")).toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
