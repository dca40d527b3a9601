package io.hartonomous.benchmarks.reasoning;

import io.hartonomous.benchmarks.SyntheticAtoms;
import io.hartonomous.benchmarks.report.BenchArgs;
import io.hartonomous.benchmarks.report.BenchmarkDoc;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.reasoning.GenerationRequest;
import io.hartonomous.storage.contract.reasoning.GenerationResult;
import io.hartonomous.storage.contract.reasoning.PathHeuristic;
import io.hartonomous.storage.contract.reasoning.PathRequest;
import io.hartonomous.storage.contract.reasoning.PathResult;
import io.hartonomous.storage.contract.vectors.Metric;
import io.hartonomous.storage.contract.vectors.NewEmbedding;
import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.local.Machine;
import io.hartonomous.storage.local.ScratchDirs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Issue 13, {@code ./hart bench reasoning} (paths and generation): n clustered embeddings on a fresh embedded file
 * database, then
 * <ul>
 *   <li>A* with the exact euclidean heuristic against Dijkstra (heuristic none) between the same random pairs over the
 *   k-NN graph: nodes expanded, time, and that both found the same cost;</li>
 *   <li>attention generation: steps per second (hybrid search of the context, softmax, draw, context update).</li>
 * </ul>
 */
public final class PathGenerationBench {
    private static final String TYPE = "bench-reasoning";
    private static final int PUT_BATCH = 500;

    private PathGenerationBench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("hart.root", ".")).toAbsolutePath();
        Path docs = Path.of(BenchArgs.option(args, "--docs", root.resolve("docs/benchmarks.md").toString()));
        int n = Integer.parseInt(BenchArgs.option(args, "--embeddings", "10000"));
        int dim = Integer.parseInt(BenchArgs.option(args, "--dimension", "32"));
        int pairs = Integer.parseInt(BenchArgs.option(args, "--pairs", "20"));
        int k = Integer.parseInt(BenchArgs.option(args, "--k", "10"));
        int steps = Integer.parseInt(BenchArgs.option(args, "--steps", "50"));
        Path work = Files.createTempDirectory("hart-bench-reasoning");
        try {
            String md = run(work, n, dim, pairs, k, steps);
            System.out.print(md);
            BenchmarkDoc.replaceSection(docs, "reasoning-paths", md);
        } finally {
            ScratchDirs.delete(work);
        }
    }

    static String run(Path work, int n, int dim, int pairs, int k, int steps) {
        String loadBefore = Machine.loadAverage();
        Random random = new Random(13);
        int clusters = Math.max(4, (int) Math.sqrt(n) / 4);
        float[][] centres = new float[clusters][dim];
        for (float[] c : centres) {
            for (int d = 0; d < dim; d++) {
                c[d] = (float) (random.nextGaussian() * 3);
            }
        }
        StringBuilder md = new StringBuilder();
        try (StorageEngine engine = StorageEngines.open(LocalStorage.embeddedFile(work.resolve("db")))) {
            TenantStorage tenant = engine.forTenant("bench");
            long t0 = System.nanoTime();
            long[] atoms = SyntheticAtoms.pixels(tenant, "reasoning-bench", n);
            for (int from = 0; from < n; from += PUT_BATCH) {
                List<NewEmbedding> batch = new ArrayList<>(PUT_BATCH);
                for (int i = from; i < Math.min(n, from + PUT_BATCH); i++) {
                    float[] v = new float[dim];
                    float[] c = centres[i % clusters];
                    for (int d = 0; d < dim; d++) {
                        v[d] = c[d] + (float) random.nextGaussian();
                    }
                    batch.add(new NewEmbedding(atoms[i], TYPE, v, false));
                }
                tenant.vectors().putAll(batch);
            }
            tenant.vectors().rebuildProjection(TYPE);
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            log("%,d embeddings of %d dimensions stored and projected in %.1f s", n, dim, loadSeconds);

            // Warm-up: one of each.
            tenant.reasoning().path(PathRequest.of(atoms[0], atoms[1], TYPE, k, Metric.EUCLIDEAN));
            tenant.reasoning().generate(new GenerationRequest(null, atoms[0], TYPE, 5, k, 0.5, 1, Metric.COSINE));

            long[] aStarExpanded = new long[pairs];
            long[] dijkstraExpanded = new long[pairs];
            double[] aStarMs = new double[pairs];
            double[] dijkstraMs = new double[pairs];
            int found = 0;
            int sameCost = 0;
            for (int p = 0; p < pairs; p++) {
                // Both ends in one cluster: the k-NN graph of well separated clusters has no edge between them,
                // so a pair across clusters only measures how big a cluster is.
                int i = random.nextInt(n);
                int j = Math.min(n - 1, random.nextInt(n / clusters) * clusters + i % clusters);
                long from = atoms[i];
                long to = atoms[j];
                long t = System.nanoTime();
                PathResult a = tenant.reasoning().path(new PathRequest(from, to, TYPE, k, Metric.EUCLIDEAN,
                        PathRequest.MAX_EXPANDED, PathHeuristic.EXACT));
                aStarMs[p] = (System.nanoTime() - t) / 1e6;
                t = System.nanoTime();
                PathResult d = tenant.reasoning().path(new PathRequest(from, to, TYPE, k, Metric.EUCLIDEAN,
                        PathRequest.MAX_EXPANDED, PathHeuristic.NONE));
                dijkstraMs[p] = (System.nanoTime() - t) / 1e6;
                aStarExpanded[p] = a.expanded();
                dijkstraExpanded[p] = d.expanded();
                if (a.found() != d.found()) {
                    throw new IllegalStateException("A* and Dijkstra disagree on reachability " + from + " -> " + to);
                }
                if (a.found()) {
                    found++;
                    if (Math.abs(a.cost() - d.cost()) <= 1e-6 * Math.max(1, d.cost())) {
                        sameCost++;
                    }
                }
                log("pair %d: A* %d expanded in %.0f ms, Dijkstra %d in %.0f ms", p, a.expanded(), aStarMs[p],
                        d.expanded(), dijkstraMs[p]);
            }

            int runs = 5;
            double[] stepsPerSecond = new double[runs];
            for (int r = 0; r < runs; r++) {
                long t = System.nanoTime();
                GenerationResult g = tenant.reasoning().generate(new GenerationRequest(null, atoms[random.nextInt(n)],
                        TYPE, steps, k, 0.5, r, Metric.COSINE));
                stepsPerSecond[r] = g.steps().size() / ((System.nanoTime() - t) / 1e9);
            }

            md.append(String.format(Locale.ROOT, """
                    %,d embeddings of %d dimensions (%d Gaussian clusters, σ = 1 around centres of σ = 3), stored \
                    and projected in %.1f s; k = %d, euclidean. %d random pairs, both ends in one cluster; A* (heuristic: exact distance to \
                    the goal) and Dijkstra (heuristic none) on the same k-NN graph, edges computed when a node is \
                    expanded (exact distances to all %,d).

                    | paths | found | same cost | expanded, median | expanded, total | time, median |
                    |---|---:|---:|---:|---:|---:|
                    | A* (exact heuristic) | %d / %d | %d / %d | %,.0f | %,d | %,.0f ms |
                    | Dijkstra | %d / %d | | %,.0f | %,d | %,.0f ms |
                    | A* / Dijkstra | | | %.3f | %.3f | %.3f |

                    Generation (cosine, temperature 0.5, hybrid top %d per step, %d steps, median of %d runs): \
                    **%,.0f steps/s** (%.2f ms a step).

                    (JDK %s, %d cores, %s, load average before %s, after %s)
                    """, n, dim, clusters, loadSeconds, k, pairs, n,
                    found, pairs, sameCost, found, median(aStarExpanded), sum(aStarExpanded), median(aStarMs),
                    found, pairs, median(dijkstraExpanded), sum(dijkstraExpanded), median(dijkstraMs),
                    median(aStarExpanded) / Math.max(1, median(dijkstraExpanded)),
                    sum(aStarExpanded) / (double) Math.max(1, sum(dijkstraExpanded)),
                    median(aStarMs) / median(dijkstraMs),
                    k, steps, runs, median(stepsPerSecond), 1000 / median(stepsPerSecond),
                    Runtime.version(), Runtime.getRuntime().availableProcessors(), Machine.cpu(), loadBefore,
                    Machine.loadAverage()));
        }
        return md.toString();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static double median(long[] values) {
        return median(Arrays.stream(values).asDoubleStream().toArray());
    }

    private static long sum(long[] values) {
        return Arrays.stream(values).sum();
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[reasoning] " + format + "%n", args);
    }
}
