package io.hartonomous.storage.engine;

import io.hartonomous.kernels.DistanceKernels;
import io.hartonomous.storage.contract.vectors.EmbeddingVector;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The landmarks hybrid search projects against, shared by every engine: per embedding type, a set of landmark
 * vectors that partition the type's embeddings into cells (each embedding belongs to the cell of its nearest
 * landmark). An embedding's 2-D point is {@code (cell, distance to the cell's landmark)}: X says which cell, Y where
 * in it. Hybrid search ranks the cells by the query's distance to their landmarks, takes whole cells nearest first
 * through the spatial index (a box around X = cell) and, in the last cell it needs, the embeddings whose Y is
 * nearest the query's distance to that landmark (|Y - d(q, L)| <= d(q, v) by the triangle inequality). See
 * docs/decisions.md "Hybrid search projection" for why this and not two pivot distances or two principal axes.
 *
 * <p>Landmarks are deterministic: until a type is (re)built it has one provisional landmark, {@link #seeded(String)}
 * (uniform in [-1, 1) from a seed derived from the type name). {@link #train} derives {@link #cellsFor(long)}
 * landmarks from the type's first {@link #SAMPLE} embeddings (by id) with k-means++ seeded from the type name and a
 * fixed number of Lloyd iterations, so every engine rebuilding from the same rows derives the same landmarks.
 */
public final class SpatialCells {
    /** At most this many embeddings (the first by id) train the landmarks. */
    public static final int SAMPLE = 20_000;
    public static final int MAX_CELLS = 1024;
    /** Lloyd iterations after k-means++ seeding. */
    public static final int ITERATIONS = 8;

    private SpatialCells() {
    }

    /**
     * Cells for a type of {@code count} embeddings: 4 sqrt(count), the low end of the usual inverted-file rule
     * (4 to 16 sqrt(n) lists), at most {@link #MAX_CELLS} so that ranking a query's cells stays cheap.
     */
    public static int cellsFor(long count) {
        if (count <= 1) {
            return 1;
        }
        return (int) Math.min(Math.min(MAX_CELLS, count), Math.max(1, Math.round(4 * Math.sqrt(count))));
    }

    /** The provisional landmark of a type that has not been built yet (the first seeded landmark of before). */
    public static float[] seeded(String embeddingType) {
        SplittableRandom random = new SplittableRandom(seed(embeddingType));
        float[] landmark = new float[EmbeddingVector.MAX_DIMENSION];
        for (int i = 0; i < landmark.length; i++) {
            landmark[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return landmark;
    }

    static long seed(String embeddingType) {
        return embeddingType.hashCode() * 0x9E3779B97F4A7C15L;
    }

    /** An embedding's cell and its distance to the cell's landmark: the 2-D point (X, Y). */
    public record Point(int cell, double distance) {
        public double x() {
            return cell;
        }

        public double y() {
            return distance;
        }
    }

    /** The nearest landmark (lowest index on a tie) and the Euclidean distance to it; vectors compare zero-padded. */
    public static Point project(float[][] landmarks, float[] vector) {
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int i = 0; i < landmarks.length; i++) {
            double d = squared(landmarks[i], vector);
            if (d < bestDistance) {
                bestDistance = d;
                best = i;
            }
        }
        return new Point(best, Math.sqrt(bestDistance));
    }

    /** Euclidean distance from the vector to every landmark. */
    public static double[] distances(float[][] landmarks, float[] vector) {
        double[] d = new double[landmarks.length];
        for (int i = 0; i < landmarks.length; i++) {
            d[i] = Math.sqrt(squared(landmarks[i], vector));
        }
        return d;
    }

    /** Cell numbers nearest first by the given distances (ties by cell number). */
    public static int[] order(double[] distances) {
        return IntStream.range(0, distances.length).boxed()
                .sorted((a, b) -> {
                    int c = Double.compare(distances[a], distances[b]);
                    return c != 0 ? c : Integer.compare(a, b);
                })
                .mapToInt(Integer::intValue).toArray();
    }

    static double squared(float[] a, float[] b) {
        if (a.length == b.length) {
            return DistanceKernels.squaredEuclidean(a, b, a.length);
        }
        int n = Math.max(a.length, b.length);
        return DistanceKernels.squaredEuclidean(Arrays.copyOf(a, n), Arrays.copyOf(b, n), n);
    }

    /**
     * k-means (k-means++ seeding from the type's seed, then {@link #ITERATIONS} Lloyd iterations) over the sample, in
     * the sample's order; returns {@code min(k, sample size)} landmarks of the sample's longest dimension. A cell
     * left empty keeps its previous landmark. Deterministic for the same sample, k and type.
     */
    public static float[][] train(String embeddingType, List<float[]> sample, int k) {
        if (sample.isEmpty()) {
            throw new IllegalArgumentException("no embeddings to derive landmarks from");
        }
        int dim = sample.stream().mapToInt(v -> v.length).max().orElseThrow();
        float[][] points = sample.stream().map(v -> v.length == dim ? v : Arrays.copyOf(v, dim))
                .toArray(float[][]::new);
        int cells = Math.min(k, points.length);
        float[][] centres = seedPlusPlus(points, cells, new SplittableRandom(seed(embeddingType)));
        int[] assigned = new int[points.length];
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            float[][] current = centres;
            IntStream.range(0, points.length).parallel().forEach(i -> assigned[i] = project(current, points[i]).cell());
            double[][] sums = new double[cells][dim];
            int[] counts = new int[cells];
            for (int i = 0; i < points.length; i++) {
                double[] s = sums[assigned[i]];
                float[] p = points[i];
                for (int d = 0; d < dim; d++) {
                    s[d] += p[d];
                }
                counts[assigned[i]]++;
            }
            float[][] next = new float[cells][];
            for (int c = 0; c < cells; c++) {
                if (counts[c] == 0) {
                    next[c] = current[c];
                    continue;
                }
                next[c] = new float[dim];
                for (int d = 0; d < dim; d++) {
                    next[c][d] = (float) (sums[c][d] / counts[c]);
                }
            }
            centres = next;
        }
        return centres;
    }

    /** k-means++: the first centre uniformly, each next one with probability proportional to squared distance. */
    private static float[][] seedPlusPlus(float[][] points, int k, SplittableRandom random) {
        float[][] centres = new float[k][];
        centres[0] = points[random.nextInt(points.length)].clone();
        double[] nearest = new double[points.length];
        Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        for (int c = 1; c < k; c++) {
            float[] last = centres[c - 1];
            IntStream.range(0, points.length).parallel()
                    .forEach(i -> nearest[i] = Math.min(nearest[i], squared(last, points[i])));
            double total = 0;
            for (double d : nearest) {
                total += d;
            }
            int chosen;
            if (total <= 0) {
                chosen = random.nextInt(points.length); // every point coincides with a centre already
            } else {
                double target = random.nextDouble() * total;
                chosen = points.length - 1;
                double running = 0;
                for (int i = 0; i < points.length; i++) {
                    running += nearest[i];
                    if (running >= target && nearest[i] > 0) {
                        chosen = i;
                        break;
                    }
                }
            }
            centres[c] = points[chosen].clone();
        }
        return centres;
    }
}
