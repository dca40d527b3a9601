package io.hartonomous.benchmarks.search;

import io.hartonomous.kernels.DistanceKernels;
import io.hartonomous.storage.engine.SpatialCells;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Recall@k of each candidate projection at each candidate budget, in memory on the benchmark's own vectors: for a
 * budget C, the candidates are the first C stored vectors in the order the projection's spatial filter reaches them,
 * and recall is the share of the true k nearest among them. The 2-D alternatives take the C points nearest the
 * query's point in the plane (what growing a box around it does); cells take whole cells nearest first and, in the
 * last, the points whose Y is nearest the query's distance to the cell's landmark (what the engine does).
 * Landmarks come from the first {@link SpatialCells#SAMPLE} vectors, as in the engine.
 */
public final class ProjectionStudy {
    /** One alternative: its name, what it is, and recall per budget. */
    public record Row(String name, String description, double[] recall) {
    }

    private ProjectionStudy() {
    }

    public static List<Row> run(String type, float[][] data, float[][] queries, long[][] truthIndexes, int[] budgets) {
        List<float[]> sample = Arrays.asList(data).subList(0, Math.min(data.length, SpatialCells.SAMPLE));
        List<Row> rows = new ArrayList<>();
        float[][] random = randomLandmarks(type);
        rows.add(plane("random pivots", "X, Y = distance to two landmarks uniform in [-1, 1) (the previous default)",
                data, queries, truthIndexes, budgets, v -> pivots(random, v)));
        float[][] far = farthestPair(sample);
        rows.add(plane("farthest-point pivots", "X, Y = distance to two data points: the sample point farthest from "
                + "the first, and the one farthest from that", data, queries, truthIndexes, budgets,
                v -> pivots(far, v)));
        float[][] axes = principalAxes(sample, 2);
        rows.add(plane("PCA-2", "X, Y = dot product with the sample's top two principal directions", data, queries,
                truthIndexes, budgets, v -> new double[] {dot(axes[0], v), dot(axes[1], v)}));
        float[][] landmarks = SpatialCells.train(type, sample, SpatialCells.cellsFor(data.length));
        rows.add(cells("cells (chosen)", "X = cell of the nearest of " + landmarks.length + " k-means landmarks, "
                + "Y = distance to it", landmarks, data, queries, truthIndexes, budgets));
        return rows;
    }

    private static Row plane(String name, String description, float[][] data, float[][] queries, long[][] truth,
                             int[] budgets, java.util.function.Function<float[], double[]> project) {
        double[][] points = new double[data.length][];
        IntStream.range(0, data.length).parallel().forEach(i -> points[i] = project.apply(data[i]));
        int[][] ranks = new int[queries.length][];
        IntStream.range(0, queries.length).parallel().forEach(q -> {
            double[] p = project.apply(queries[q]);
            double[] d = new double[points.length];
            for (int i = 0; i < points.length; i++) {
                d[i] = Math.hypot(points[i][0] - p[0], points[i][1] - p[1]);
            }
            ranks[q] = ranks(truth[q], i -> d[i], d.length);
        });
        return new Row(name, description, recalls(ranks, budgets));
    }

    private static Row cells(String name, String description, float[][] landmarks, float[][] data, float[][] queries,
                             long[][] truth, int[] budgets) {
        SpatialCells.Point[] points = new SpatialCells.Point[data.length];
        IntStream.range(0, data.length).parallel().forEach(i -> points[i] = SpatialCells.project(landmarks, data[i]));
        int[][] ranks = new int[queries.length][];
        IntStream.range(0, queries.length).parallel().forEach(q -> {
            double[] dq = SpatialCells.distances(landmarks, queries[q]);
            int[] order = SpatialCells.order(dq);
            int[] position = new int[landmarks.length];
            for (int i = 0; i < order.length; i++) {
                position[order[i]] = i;
            }
            // A point's key: its cell's position in the query's order, then |Y - d(q, landmark)|.
            ranks[q] = ranks(truth[q], i -> position[points[i].cell()] * 1e12
                    + Math.min(1e11, Math.abs(points[i].distance() - dq[points[i].cell()])), points.length);
        });
        return new Row(name, description, recalls(ranks, budgets));
    }

    /** For each true neighbour, how many points come strictly before it in the filter's order (ties: by index). */
    private static int[] ranks(long[] truth, java.util.function.IntToDoubleFunction key, int n) {
        int[] ranks = new int[truth.length];
        for (int t = 0; t < truth.length; t++) {
            int target = (int) truth[t];
            double k = key.applyAsDouble(target);
            int before = 0;
            for (int i = 0; i < n; i++) {
                double ki = key.applyAsDouble(i);
                if (ki < k || (ki == k && i < target)) {
                    before++;
                }
            }
            ranks[t] = before;
        }
        return ranks;
    }

    private static double[] recalls(int[][] ranks, int[] budgets) {
        double[] recall = new double[budgets.length];
        for (int b = 0; b < budgets.length; b++) {
            double sum = 0;
            for (int[] r : ranks) {
                int found = 0;
                for (int rank : r) {
                    if (rank < budgets[b]) {
                        found++;
                    }
                }
                sum += found / (double) r.length;
            }
            recall[b] = sum / ranks.length;
        }
        return recall;
    }

    private static double[] pivots(float[][] landmarks, float[] v) {
        return new double[] {distance(landmarks[0], v), distance(landmarks[1], v)};
    }

    private static double distance(float[] a, float[] b) {
        return DistanceKernels.euclidean(a, b, Math.min(a.length, b.length));
    }

    private static double dot(float[] a, float[] b) {
        return DistanceKernels.dot(a, b, Math.min(a.length, b.length));
    }

    /** The engine's previous landmarks: two vectors uniform in [-1, 1), seeded from the type name. */
    static float[][] randomLandmarks(String type) {
        SplittableRandom random = new SplittableRandom(type.hashCode() * 0x9E3779B97F4A7C15L);
        float[][] landmarks = new float[2][SyntheticEmbeddings.DIM];
        for (float[] l : landmarks) {
            for (int i = 0; i < l.length; i++) {
                l[i] = (float) (random.nextDouble() * 2 - 1);
            }
        }
        return landmarks;
    }

    static float[][] farthestPair(List<float[]> sample) {
        float[] a = farthestFrom(sample, sample.getFirst());
        return new float[][] {a, farthestFrom(sample, a)};
    }

    private static float[] farthestFrom(List<float[]> sample, float[] from) {
        float[] best = from;
        double bestDistance = -1;
        for (float[] v : sample) {
            double d = distance(from, v);
            if (d > bestDistance) {
                bestDistance = d;
                best = v;
            }
        }
        return best;
    }

    /** Top principal directions of the centred sample by block power iteration (Gram-Schmidt each round). */
    static float[][] principalAxes(List<float[]> sample, int count) {
        int dim = sample.getFirst().length;
        double[] mean = new double[dim];
        for (float[] v : sample) {
            for (int d = 0; d < dim; d++) {
                mean[d] += v[d];
            }
        }
        for (int d = 0; d < dim; d++) {
            mean[d] /= sample.size();
        }
        float[][] centred = new float[sample.size()][dim];
        for (int i = 0; i < sample.size(); i++) {
            for (int d = 0; d < dim; d++) {
                centred[i][d] = (float) (sample.get(i)[d] - mean[d]);
            }
        }
        SplittableRandom random = new SplittableRandom(1);
        double[][] axes = new double[count][dim];
        for (double[] a : axes) {
            for (int d = 0; d < dim; d++) {
                a[d] = random.nextGaussian();
            }
        }
        for (int iteration = 0; iteration < 50; iteration++) {
            for (int a = 0; a < count; a++) {
                float[] axis = toFloat(axes[a]);
                double[] next = new double[dim];
                double[] coefficients = new double[centred.length];
                IntStream.range(0, centred.length).parallel()
                        .forEach(i -> coefficients[i] = DistanceKernels.dot(centred[i], axis, dim));
                for (int i = 0; i < centred.length; i++) {
                    float[] row = centred[i];
                    double c = coefficients[i];
                    for (int d = 0; d < dim; d++) {
                        next[d] += c * row[d];
                    }
                }
                for (int b = 0; b < a; b++) {
                    double proj = 0;
                    for (int d = 0; d < dim; d++) {
                        proj += next[d] * axes[b][d];
                    }
                    for (int d = 0; d < dim; d++) {
                        next[d] -= proj * axes[b][d];
                    }
                }
                double norm = 0;
                for (double x : next) {
                    norm += x * x;
                }
                norm = Math.sqrt(norm);
                for (int d = 0; d < dim; d++) {
                    axes[a][d] = next[d] / norm;
                }
            }
        }
        float[][] result = new float[count][];
        for (int a = 0; a < count; a++) {
            result[a] = toFloat(axes[a]);
        }
        return result;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
