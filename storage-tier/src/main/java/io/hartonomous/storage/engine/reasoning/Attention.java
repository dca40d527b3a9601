package io.hartonomous.storage.engine.reasoning;

import io.hartonomous.storage.contract.vectors.Metric;

import java.util.List;

/**
 * The arithmetic of one attention step, shared by the embedded engine and mirrored statement by statement in
 * sql/083 (dbo.sp_GenerateWithAttention), so both engines weigh, draw and move the context alike.
 */
public final class Attention {
    private Attention() {
    }

    /** Similarity from a reported distance: 1 - d for cosine, -d otherwise (negated dot is the dot product). */
    public static double similarity(Metric metric, double distance) {
        return metric == Metric.COSINE ? 1.0 - distance : -distance;
    }

    /** softmax(similarity / temperature), computed from the largest similarity down so no exponent overflows. */
    public static double[] softmax(double[] similarities, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (double s : similarities) {
            max = Math.max(max, s);
        }
        double[] weights = new double[similarities.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] = Math.exp((similarities[i] - max) / temperature);
            sum += weights[i];
        }
        for (int i = 0; i < weights.length; i++) {
            weights[i] /= sum;
        }
        return weights;
    }

    /** The natural log of candidate {@code i}'s softmax weight, without the rounding of log(weight). */
    public static double logProbability(double[] similarities, double temperature, int i) {
        double max = Double.NEGATIVE_INFINITY;
        for (double s : similarities) {
            max = Math.max(max, s);
        }
        double sum = 0;
        for (double s : similarities) {
            sum += Math.exp((s - max) / temperature);
        }
        return (similarities[i] - max) / temperature - Math.log(sum);
    }

    /**
     * Inverse-CDF draw: the first candidate (in the given order) whose cumulative weight exceeds {@code uniform};
     * the last one if rounding leaves the total just below it.
     */
    public static int sample(double[] weights, double uniform) {
        double cumulative = 0;
        for (int i = 0; i < weights.length; i++) {
            cumulative += weights[i];
            if (uniform < cumulative) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** Σ w_i v_i over the candidates' vectors (zero-padded to the longest), rounded once to float at the end. */
    public static float[] weightedMean(List<float[]> vectors, double[] weights) {
        int n = 0;
        for (float[] v : vectors) {
            n = Math.max(n, v.length);
        }
        double[] sum = new double[n];
        for (int c = 0; c < vectors.size(); c++) {
            float[] v = vectors.get(c);
            for (int d = 0; d < v.length; d++) {
                sum[d] += weights[c] * v[d];
            }
        }
        float[] mean = new float[n];
        for (int d = 0; d < n; d++) {
            mean[d] = (float) sum[d];
        }
        return mean;
    }
}
