package io.hartonomous.benchmarks.reasoning;

import io.hartonomous.benchmarks.SyntheticAtoms;
import io.hartonomous.benchmarks.report.BenchArgs;
import io.hartonomous.benchmarks.report.BenchmarkDoc;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.reasoning.Concept;
import io.hartonomous.storage.contract.reasoning.DiscoverRequest;
import io.hartonomous.storage.contract.reasoning.Discovery;
import io.hartonomous.storage.contract.vectors.Metric;
import io.hartonomous.storage.contract.vectors.NewEmbedding;
import io.hartonomous.storage.contract.vectors.SearchMode;
import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.local.Machine;
import io.hartonomous.storage.local.ScratchDirs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * {@code ./hart bench reasoning} (issue 13), the DBSCAN part: concept discovery on the embedded engine over
 * {@code --embeddings} (100k) points of small Gaussian blobs plus uniform noise, its eps-neighbourhoods through hybrid
 * search, against the brute-force DBSCAN (an exact scan per point, O(n^2)) on a {@code --sample} (10k) of the same
 * points stored as a type of their own; on that sample both must give the same clusters. Each run is the whole
 * {@code ConceptStore.discover}: points read, n searches, the plan, the generation and its record written.
 */
public final class DbscanBench {
    private static final int DIM = 8;
    /** Points per blob: a neighbourhood then fits one k = 32 search, the first the range query asks for. */
    private static final int PER_BLOB = 25;
    private static final double NOISE_SHARE = 0.02;
    private static final double SPREAD = 0.25;
    private static final double EPS = 1.2;
    private static final int MIN_PTS = 8;
    private static final int PUT_BATCH = 1000;

    private DbscanBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("hart.root", ".")).toAbsolutePath();
        Path docs = Path.of(BenchArgs.option(args, "--docs", root.resolve("docs/benchmarks.md").toString()));
        int n = Integer.parseInt(BenchArgs.option(args, "--embeddings", "100000"));
        int sample = Integer.parseInt(BenchArgs.option(args, "--sample", "10000"));
        Path work = Files.createTempDirectory("hart-bench-dbscan");
        try {
            String md = run(work, n, Math.min(sample, n));
            System.out.println(md);
            BenchmarkDoc.replaceSection(docs, "reasoning-dbscan", md);
            System.out.println("wrote the reasoning-dbscan section of " + docs);
        } finally {
            ScratchDirs.delete(work);
        }
    }

    /**
     * Blobs of {@value #PER_BLOB} points (sd {@value #SPREAD}) around centres spread over a cube of side 40, written
     * blob after blob with uniform noise between, so the first {@code sample} points are whole blobs too.
     */
    private static float[][] points(int n, long seed) {
        Random r = new Random(seed);
        float[][] points = new float[n][];
        float[] centre = new float[DIM];
        int inBlob = PER_BLOB;
        for (int i = 0; i < n; i++) {
            float[] p = new float[DIM];
            if (r.nextDouble() < NOISE_SHARE) {
                for (int d = 0; d < DIM; d++) {
                    p[d] = (float) (r.nextDouble() * 40);
                }
            } else {
                if (inBlob == PER_BLOB) {
                    for (int d = 0; d < DIM; d++) {
                        centre[d] = (float) (r.nextDouble() * 40);
                    }
                    inBlob = 0;
                }
                inBlob++;
                for (int d = 0; d < DIM; d++) {
                    p[d] = centre[d] + (float) (r.nextGaussian() * SPREAD);
                }
            }
            points[i] = p;
        }
        return points;
    }

    private record Timed(Discovery discovery, double seconds) {
    }

    private static Timed discover(TenantStorage t, String type, SearchMode mode) {
        long t0 = System.nanoTime();
        Discovery d = t.concepts().discover(new DiscoverRequest(type, EPS, MIN_PTS, Metric.EUCLIDEAN, mode));
        double s = (System.nanoTime() - t0) / 1e9;
        log("%s over %s: %d concepts, %d noise in %.1f s", mode, type, d.concepts().size(), d.noise().size(), s);
        return new Timed(d, s);
    }

    static String run(Path work, int n, int sample) throws Exception {
        String loadBefore = Machine.loadAverage();
        float[][] data = points(n, 20_261_203L);
        try (StorageEngine engine = StorageEngines.open(LocalStorage.embeddedFile(work.resolve("db")))) {
            TenantStorage t = engine.forTenant("bench");
            long[] atoms = SyntheticAtoms.pixels(t, "dbscan-bench", n);
            long t0 = System.nanoTime();
            put(t, "bench-dbscan-all", atoms, data, n);
            put(t, "bench-dbscan-sample", atoms, data, sample);
            t.vectors().rebuildProjection("bench-dbscan-all");
            t.vectors().rebuildProjection("bench-dbscan-sample");
            log("stored and projected %,d + %,d embeddings in %.1f s", n, sample, (System.nanoTime() - t0) / 1e9);

            Timed exact = discover(t, "bench-dbscan-sample", SearchMode.EXACT);
            Timed hybridSample = discover(t, "bench-dbscan-sample", SearchMode.HYBRID);
            int differing = differing(t, exact.discovery(), hybridSample.discovery());
            Timed hybrid = discover(t, "bench-dbscan-all", SearchMode.HYBRID);
            double perPointExact = exact.seconds() / sample;
            double projectedExact = perPointExact * n * ((double) n / sample);
            return String.format(Locale.ROOT, """
                    DBSCAN concept discovery (`ConceptStore.discover`, embedded engine, one tenant) over %,d \
                    embeddings of %d dimensions: Gaussian blobs of %d points (sd %.2f) plus %.0f %% uniform noise, \
                    eps %.2f, \
                    minPts %d, euclidean. Each time is the whole run: points read, one neighbourhood search per \
                    point, the plan (clusters, centroids, Voronoi domains), and the generation with its inference \
                    record, evidence and provenance written. Load average before: %s; %s.

                    | run | points | search per point | concepts | noise | time | per point |
                    |---|---:|---|---:|---:|---:|---:|
                    | brute force | %,d | exact scan (O(n) each, O(n²) in all) | %d | %d | %.1f s | %.2f ms |
                    | neighbourhood search | %,d | hybrid (spatial candidates + rerank) | %d | %d | %.1f s | %.2f ms |
                    | neighbourhood search | %,d | hybrid | %d | %d | %.1f s | %.2f ms |

                    Same clusters on the %,d sample: %s (points whose cluster differs, clusters matched by their \
                    members: %d). Brute force on all %,d would take about %.0f s (its per-point time grows with n: \
                    %.2f ms × %.0f), %.0f× the hybrid run.
                    """, n, DIM, PER_BLOB, SPREAD, NOISE_SHARE * 100, EPS, MIN_PTS, loadBefore, Machine.cpu(),
                    sample, exact.discovery().concepts().size(), exact.discovery().noise().size(), exact.seconds(),
                    perPointExact * 1e3,
                    sample, hybridSample.discovery().concepts().size(), hybridSample.discovery().noise().size(),
                    hybridSample.seconds(), hybridSample.seconds() / sample * 1e3,
                    n, hybrid.discovery().concepts().size(), hybrid.discovery().noise().size(), hybrid.seconds(),
                    hybrid.seconds() / n * 1e3,
                    sample, differing == 0 ? "yes" : "no", differing, n, projectedExact, perPointExact * 1e3,
                    (double) n / sample, projectedExact / hybrid.seconds());
        }
    }

    /** Points whose cluster differs between two runs over the same points (clusters matched by members). */
    private static int differing(TenantStorage t, Discovery a, Discovery b) {
        Map<Set<Long>, Boolean> clustersA = new HashMap<>();
        for (Concept c : a.concepts()) {
            clustersA.put(members(t, c), true);
        }
        int differing = 0;
        Set<Long> matched = new HashSet<>();
        for (Concept c : b.concepts()) {
            Set<Long> m = members(t, c);
            if (clustersA.containsKey(m)) {
                matched.addAll(m);
            } else {
                differing += m.size();
            }
        }
        Set<Long> noiseA = new HashSet<>(a.noise());
        Set<Long> noiseB = new HashSet<>(b.noise());
        Set<Long> symmetric = new HashSet<>(noiseA);
        symmetric.addAll(noiseB);
        Set<Long> both = new HashSet<>(noiseA);
        both.retainAll(noiseB);
        symmetric.removeAll(both);
        return differing + symmetric.size();
    }

    private static Set<Long> members(TenantStorage t, Concept c) {
        Set<Long> m = new HashSet<>();
        t.concepts().concept(c.conceptId()).orElseThrow().members().forEach(x -> m.add(x.atomId()));
        return m;
    }

    private static void put(TenantStorage t, String type, long[] atoms, float[][] data, int count) {
        List<NewEmbedding> batch = new ArrayList<>(PUT_BATCH);
        for (int i = 0; i < count; i++) {
            batch.add(new NewEmbedding(atoms[i], type, data[i], false));
            if (batch.size() == PUT_BATCH) {
                t.vectors().putAll(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            t.vectors().putAll(batch);
        }
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[dbscan] " + format + "%n", args);
    }
}
