package io.hartonomous.kernels;

/**
 * Statistics of a chunk of floats. NaNs are excluded from everything and counted in {@code nanCount};
 * {@code count} is the number of non-NaN values. {@code min}/{@code max} follow {@link Math#min(float, float)}
 * ordering (-0 &lt; +0) and are NaN when {@code count == 0}. {@code mean} and {@code variance} (population, divided by
 * {@code count}) are computed in double with compensated (Kahan) summation in two passes; with infinities present
 * the mean is ±Inf (NaN when both signs occur) and the variance NaN; both are NaN when {@code count == 0}.
 */
public record ChunkStats(long count, float min, float max, double mean, double variance, long nanCount) {

    public static final ChunkStats EMPTY = new ChunkStats(0, Float.NaN, Float.NaN, Double.NaN, Double.NaN, 0);

    /** Population standard deviation. */
    public double stddev() {
        return Math.sqrt(variance);
    }
}
