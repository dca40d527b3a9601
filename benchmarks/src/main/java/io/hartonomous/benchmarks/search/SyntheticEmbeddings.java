package io.hartonomous.benchmarks.search;

import java.util.SplittableRandom;

/**
 * Synthetic embeddings with the structure real ones have, fixed before any projection was measured: a mixture of
 * {@value #CLUSTERS} Gaussian "topics" (weights from a symmetric Dirichlet(2), centres N(0, I), spread
 * {@value #SPREAD} around each centre) in a {@value #LATENT}-dimensional latent space, mapped linearly into
 * {@value #DIM} dimensions by a random Gaussian matrix whose row i is scaled by 1/sqrt(i) (a decaying spectrum, as
 * the principal components of real embeddings decay), plus isotropic Gaussian noise of total norm about
 * {@value #NOISE} in all {@value #DIM} dimensions (about a tenth of the variance). Queries are held-out draws of the
 * same distribution (never stored) with as much noise again added. Every vector is a pure function of the seed and
 * its index, so data and queries are the same on every run and can be generated in parallel.
 */
public final class SyntheticEmbeddings {
    public static final int DIM = 1998;
    public static final int LATENT = 24;
    public static final int CLUSTERS = 64;
    public static final double SPREAD = 0.6;
    public static final double NOISE = 3.5;

    private final long seed;
    private final float[][] mixing = new float[LATENT][DIM];
    private final double[][] centres = new double[CLUSTERS][LATENT];
    private final double[] cumulative = new double[CLUSTERS];

    public SyntheticEmbeddings(long seed) {
        this.seed = seed;
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < LATENT; i++) {
            double scale = Math.sqrt(LATENT / (double) DIM) / Math.sqrt(i + 1.0);
            for (int d = 0; d < DIM; d++) {
                mixing[i][d] = (float) (r.nextGaussian() * scale);
            }
        }
        for (double[] c : centres) {
            for (int i = 0; i < LATENT; i++) {
                c[i] = r.nextGaussian();
            }
        }
        double total = 0;
        for (int c = 0; c < CLUSTERS; c++) {
            // Gamma(2, 1) = sum of two Exp(1): normalized, a Dirichlet(2, ..., 2) draw of the topic weights.
            total += -Math.log(1 - r.nextDouble()) - Math.log(1 - r.nextDouble());
            cumulative[c] = total;
        }
        for (int c = 0; c < CLUSTERS; c++) {
            cumulative[c] /= total;
        }
    }

    /** Stored vector number {@code index}. */
    public float[] vector(long index) {
        return draw(new SplittableRandom(mix(seed, index)), 1);
    }

    /** Query number {@code index}: a held-out draw (a stream disjoint from the stored ones) with extra noise. */
    public float[] query(long index) {
        return draw(new SplittableRandom(mix(seed ^ 0x5DEECE66DL, -1 - index)), 2);
    }

    private float[] draw(SplittableRandom r, int noiseDraws) {
        double u = r.nextDouble();
        int cluster = 0;
        while (cluster < CLUSTERS - 1 && cumulative[cluster] < u) {
            cluster++;
        }
        double[] z = new double[LATENT];
        for (int i = 0; i < LATENT; i++) {
            z[i] = centres[cluster][i] + SPREAD * r.nextGaussian();
        }
        float[] v = new float[DIM];
        double sigma = NOISE / Math.sqrt(DIM);
        for (int d = 0; d < DIM; d++) {
            double x = 0;
            for (int i = 0; i < LATENT; i++) {
                x += z[i] * mixing[i][d];
            }
            for (int n = 0; n < noiseDraws; n++) {
                x += sigma * r.nextGaussian();
            }
            v[d] = (float) x;
        }
        return v;
    }

    private static long mix(long seed, long index) {
        long z = seed + index * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
