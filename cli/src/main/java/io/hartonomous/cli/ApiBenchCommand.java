package io.hartonomous.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.storage.local.BootstrapKeys;
import io.hartonomous.storage.local.Machine;
import io.hartonomous.storage.local.ScratchDirs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./hart bench api}: the three processes of {@code ./hart serve} on free loopback ports, seeded through the
 * real HTTP endpoints (real files from the test data cache through the ingest tier, client embeddings through
 * {@code PUT /api/atoms/{id}/embeddings}), then wrk at a fixed request rate against {@code GET /api/atoms/{id}} and
 * {@code POST /api/search}; p50/p99 into the "api" section of docs/benchmarks.md. Everything is stopped at the end.
 */
@Command(name = "api", mixinStandardHelpOptions = true,
        description = "API latency under load (wrk at a fixed rate, loopback): atom lookup and search.")
final class ApiBenchCommand implements Callable<Integer> {
    static final String TYPE = "bench-api-384";
    static final int DIMENSION = 384;
    private static final Pattern FIGURES = Pattern.compile("HART requests=(\\d+) errors=(\\d+) non2xx=(\\d+) "
            + "seconds=([\\d.]+) rate=([\\d.]+) p50=(\\d+) p90=(\\d+) p99=(\\d+) max=(\\d+)");

    @Option(names = "--rate", defaultValue = "200",
            description = "Offered atom lookups per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--search-rate", defaultValue = "50",
            description = "Offered searches per second (default ${DEFAULT-VALUE}); each costs milliseconds of CPU.")
    int searchRate;

    @Option(names = "--connections", defaultValue = "8", description = "wrk connections (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--seconds", defaultValue = "30", description = "Length of each measured run (default ${DEFAULT-VALUE} s).")
    int seconds;

    @Option(names = "--embeddings", defaultValue = "2000",
            description = "Client embeddings PUT before the search runs (default ${DEFAULT-VALUE}).")
    int embeddings;

    @Option(names = "--testdata", description = "The test data cache (default: $HART_TESTDATA_CACHE, else "
            + "testdata/cache under the project root).")
    Path testdata;

    private final ObjectMapper json = new ObjectMapper();

    /** One wrk run's figures. */
    record Figures(long requests, long errors, long non2xx, double seconds, double rate, long p50, long p90, long p99,
                   long max) {
    }

    @Override
    public Integer call() throws Exception {
        Layout layout = Layout.current();
        Path wrk = which("wrk");
        if (wrk == null) {
            System.err.println("wrk is not installed: apt-get install wrk (Debian package 'wrk')");
            return 2;
        }
        Path load = layout.root().resolve("benchmarks/load");
        String loadBefore = Machine.loadAverage();
        Path data = Files.createTempDirectory("hart-bench-api");
        String key = BootstrapKeys.generate();
        StringBuilder md = new StringBuilder();
        long delayMs = pause(rate);
        long searchDelayMs = pause(searchRate);
        try (Stack stack = Stack.start(layout, data, freePort(), freePort(), freePort(), key)) {
            System.out.println("[api] stack up: ingest " + stack.ingestUrl() + ", api " + stack.apiUrl());
            Path cache = testdata != null ? testdata : System.getenv("HART_TESTDATA_CACHE") != null
                    ? Path.of(System.getenv("HART_TESTDATA_CACHE")) : layout.root().resolve("testdata/cache");
            TierClient ingestTier = TierClient.of(stack.ingestUrl(), stack.apiKey());
            TierClient api = TierClient.of(stack.apiUrl(), stack.apiKey());
            long image = ingest(ingestTier, "image", cache.resolve("images/snake.png"));
            long audio = ingest(ingestTier, "audio", cache.resolve("audio/derived/s16-22k.wav"));
            List<Long> atoms = leafAtoms(api, image, embeddings);
            atoms.addFirst(audio);
            atoms.addFirst(image);
            Path ids = data.resolve("atom-ids.txt");
            Files.write(ids, atoms.stream().map(String::valueOf).toList(), StandardCharsets.UTF_8);

            Random random = new Random(42);
            float[][] centres = new float[16][DIMENSION];
            for (float[] c : centres) {
                for (int d = 0; d < DIMENSION; d++) {
                    c[d] = (float) random.nextGaussian();
                }
            }
            long t0 = System.nanoTime();
            List<Long> leaves = atoms.subList(2, atoms.size());
            for (int i = 0; i < leaves.size(); i++) {
                putEmbedding(api, leaves.get(i), near(centres[i % centres.length], random, 0.3f));
            }
            double putSeconds = (System.nanoTime() - t0) / 1e9;
            String rebuild = rebuildProjection(layout, stack);
            System.out.printf(Locale.ROOT, "[api] seeded: %d atoms listed, %d embeddings PUT in %.1f s; %s%n",
                    atoms.size(), leaves.size(), putSeconds, rebuild);

            Path bodies = data.resolve("search-bodies.jsonl");
            List<String> lines = new ArrayList<>();
            for (int q = 0; q < 200; q++) {
                lines.add(json.writeValueAsString(Map.of("vector", near(centres[q % centres.length], random, 0.35f),
                        "k", 10, "mode", "hybrid", "metric", "euclidean", "embeddingType", TYPE)));
            }
            Files.write(bodies, lines, StandardCharsets.UTF_8);

            String base = stack.apiUrl().toString();
            // Warm-up: JIT and pools, not measured.
            wrk(wrk, load.resolve("atom.lua"), base, key, 1, ids, 10);
            wrk(wrk, load.resolve("search.lua"), base, key, 1, bodies, 10);
            Figures atomFigures = wrk(wrk, load.resolve("atom.lua"), base, key, delayMs, ids, seconds);
            Figures searchFigures = wrk(wrk, load.resolve("search.lua"), base, key, searchDelayMs, bodies, seconds);
            String loadAfter = Machine.loadAverage();
            md.append(String.format(Locale.ROOT, """
                    Stack: storage (H2 TCP server), ingest tier and API as three processes on loopback, as `./hart \
                    serve` runs them. Seeded over HTTP: snake.png (image) and s16-22k.wav (audio) through `POST \
                    /ingest/...`, then %,d client embeddings of %d floats (16 Gaussian clusters) on the image's \
                    distinct pixel atoms through `PUT /api/atoms/{id}/embeddings` (%.1f s), then \
                    `hart-storage rebuild-projection` (%s). Load: wrk %s, %d threads, %d connections, each connection \
                    pausing a fixed time before every request (`benchmarks/load/*.lua`): %d ms for atom lookups (a \
                    target of %d requests/s), %d ms for searches (%d requests/s), %d s per endpoint after a 10 s \
                    warm-up at full speed. Atom lookups cycle over %,d atom ids; searches over 200 \
                    query vectors (hybrid, k = 10, Euclidean).

                    | endpoint | target rate | achieved rate | requests | errors | p50 | p90 | p99 | max |
                    |---|---:|---:|---:|---:|---:|---:|---:|---:|
                    """, leaves.size(), DIMENSION, putSeconds, rebuild, wrkVersion(wrk), 2, connections,
                    delayMs, rate, searchDelayMs, searchRate, seconds, atoms.size()));
            md.append(row("`GET /api/atoms/{id}`", rate, atomFigures));
            md.append(row("`POST /api/search` (hybrid)", searchRate, searchFigures));
            md.append(String.format(Locale.ROOT, """

                    Coordinated omission: wrk paces each connection by a fixed pause after every response, so a \
                    slow response delays the requests queued behind it instead of counting against them; the \
                    percentiles are of the requests actually sent (an open-loop generator would report a worse p99 \
                    under stalls). The achieved rate falls short of the target by the latency share of each \
                    connection's cycle. Load average (1, 5, 15 min) %s before, %s after; %d cores (%s), JDK %s. \
                    `./hart bench api` regenerates this section.
                    """, loadBefore, loadAfter, Runtime.getRuntime().availableProcessors(), Machine.cpu(),
                    Runtime.version()));
        } finally {
            ScratchDirs.delete(data);
        }
        System.out.println(md);
        int exit = BenchJvm.writeSection(layout, "api", md.toString());
        if (exit == 0) {
            System.out.println("wrote the api section of " + BenchJvm.docs(layout));
        }
        return exit;
    }

    private long pause(int perSecond) {
        return Math.max(1, Math.round(connections * 1000.0 / perSecond));
    }

    private static String row(String endpoint, int target, Figures f) {
        return String.format(Locale.ROOT, "| %s | %d/s | %.1f/s | %,d | %d | %s | %s | %s | %s |%n", endpoint, target,
                f.rate(), f.requests(), f.errors(), ms(f.p50()), ms(f.p90()), ms(f.p99()), ms(f.max()));
    }

    private static String ms(long micros) {
        return String.format(Locale.ROOT, "%.2f ms", micros / 1000.0);
    }

    /** The figures of the line paced.lua's done() prints, or null if the output has none. */
    static Figures parse(String wrkOutput) {
        Matcher m = FIGURES.matcher(wrkOutput);
        if (!m.find()) {
            return null;
        }
        return new Figures(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)), Long.parseLong(m.group(6)),
                Long.parseLong(m.group(7)), Long.parseLong(m.group(8)), Long.parseLong(m.group(9)));
    }

    private Figures wrk(Path wrk, Path script, String url, String key, long delayMs, Path input, int duration)
            throws IOException, InterruptedException {
        List<String> command = List.of(wrk.toString(), "-t2", "-c" + connections, "-d" + duration + "s",
                "--timeout", "10s", "-s", script.toString(), url, "--", key, Long.toString(delayMs), input.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        Figures f = exit == 0 ? parse(out) : null;
        if (f == null) {
            throw new IllegalStateException("wrk failed (exit " + exit + "):\n" + out);
        }
        System.out.println("[api] " + script.getFileName() + ": " + f);
        if (f.errors() > 0) {
            throw new IllegalStateException("wrk saw " + f.errors() + " errors (" + f.non2xx() + " non-2xx): " + out);
        }
        return f;
    }

    /** The storage tier's rebuild-projection in its own JVM (it needs the Vector API module); its summary line. */
    private static String rebuildProjection(Layout layout, Stack stack) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(layout.java().toString(), "--add-modules", "jdk.incubator.vector", "-cp",
                layout.cliClasspath(), "io.hartonomous.storage.StorageMain", "rebuild-projection", "--url",
                stack.storage().url(), "--type", TYPE).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("rebuild-projection failed:\n" + out);
        }
        return out.lines().filter(l -> l.startsWith("rebuilt ")).findFirst().orElse(out.strip())
                .replaceFirst("^rebuilt \\S+: ", "");
    }

    private static long ingest(TierClient ingestTier, String kind, Path file) throws IOException, InterruptedException {
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " is missing: run testdata/fetch");
        }
        return ingestTier.ingest(file, kind, new ProgressBar(file.getFileName().toString(), Files.size(file)))
                .path("atomId").asLong();
    }

    /** Up to {@code wanted} distinct component atoms of a parent, in sequence order. */
    private static List<Long> leafAtoms(TierClient api, long parent, int wanted) throws IOException,
            InterruptedException {
        Set<Long> distinct = new LinkedHashSet<>();
        long from = 0;
        while (distinct.size() < wanted) {
            JsonNode page = api.get("/api/atoms/" + parent + "/compositions?from=" + from + "&limit=10000");
            for (JsonNode item : page.get("items")) {
                distinct.add(item.get("componentAtomId").asLong());
                if (distinct.size() == wanted) {
                    break;
                }
            }
            if (page.get("next").isNull()) {
                break;
            }
            from = page.get("next").asLong();
        }
        return new ArrayList<>(distinct);
    }

    private static void putEmbedding(TierClient api, long atomId, float[] vector) throws IOException,
            InterruptedException {
        api.put("/api/atoms/" + atomId + "/embeddings", Map.of("embeddingType", TYPE, "vector", vector));
    }

    private static float[] near(float[] centre, Random random, float spread) {
        float[] v = new float[centre.length];
        for (int d = 0; d < v.length; d++) {
            v[d] = centre[d] + spread * (float) random.nextGaussian();
        }
        return v;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path which(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static String wrkVersion(Path wrk) {
        try {
            Process p = new ProcessBuilder(wrk.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher m = Pattern.compile("wrk\\s+(\\S+)").matcher(out);
            return m.find() ? m.group(1) : "?";
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
