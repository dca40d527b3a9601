package io.hartonomous.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Built-in per-modality feature embeddings (fixed length, L2-normalised); {@link ScalarFeatureKernels} defines the
 * descriptors and is the scalar twin. The image descriptors use vectors for the per-pixel gradient, magnitude and
 * orientation binning (the bulk of their work) and give results identical to the twin; the audio and tensor
 * descriptors are the twin's code (FFT and moments, not vectorized yet).
 */
final class VectorFeatureKernels implements FeatureKernels.Implementation {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final ScalarFeatureKernels SCALAR = new ScalarFeatureKernels();

    VectorFeatureKernels() {
    }

    @Override
    public float[] image(int[] rgba8, int width, int height) {
        return ScalarFeatureKernels.image(rgba8, width, height, VectorFeatureKernels::gradientRow);
    }

    @Override
    public float[] image16(long[] rgba16, int width, int height) {
        return ScalarFeatureKernels.image16(rgba16, width, height, VectorFeatureKernels::gradientRow);
    }

    /**
     * The vector version of {@link ScalarFeatureKernels#gradientRow}: gradient, magnitude, half-plane fold and the
     * 15 boundary tests for L pixels at a time, with the same float operations per pixel (so identical bins and
     * magnitudes); the two edge pixels of the row are done by the twin.
     */
    static void gradientRow(float[] lum, int width, int height, int y, float[] mag, int[] bin) {
        if (width < 3) {
            ScalarFeatureKernels.gradientRow(lum, width, height, y, mag, bin);
            return;
        }
        int up = Math.max(0, y - 1) * width;
        int down = Math.min(height - 1, y + 1) * width;
        int row = y * width;
        ScalarFeatureKernels.gradientPixel(lum[row + 1] - lum[row], lum[down] - lum[up], 0, mag, bin);
        int x = 1;
        IntVector one = IntVector.broadcast(I, 1);
        for (; x + F.length() <= width - 1; x += F.length()) {
            FloatVector gx = FloatVector.fromArray(F, lum, row + x + 1).sub(FloatVector.fromArray(F, lum, row + x - 1));
            FloatVector gy = FloatVector.fromArray(F, lum, down + x).sub(FloatVector.fromArray(F, lum, up + x));
            gx.mul(gx).add(gy.mul(gy)).lanewise(VectorOperators.SQRT).intoArray(mag, x);
            VectorMask<Float> flip = gy.lt(0f).or(gy.eq(0f).and(gx.lt(0f)));
            gx = gx.blend(gx.neg(), flip);
            gy = gy.blend(gy.neg(), flip);
            IntVector b = IntVector.zero(I);
            for (int j = 0; j < 15; j++) {
                VectorMask<Float> ge = gy.mul(ScalarFeatureKernels.BIN_COS[j])
                        .sub(gx.mul(ScalarFeatureKernels.BIN_SIN[j])).compare(VectorOperators.GE, 0f);
                b = b.add(one, ge.cast(I));
            }
            b.intoArray(bin, x);
        }
        for (; x < width; x++) {
            ScalarFeatureKernels.gradientPixel(lum[row + Math.min(width - 1, x + 1)] - lum[row + x - 1],
                    lum[down + x] - lum[up + x], x, mag, bin);
        }
    }

    @Override
    public float[] audio(float[] mono, int sampleRate) {
        return SCALAR.audio(mono, sampleRate);
    }

    @Override
    public float[] tensor(ChunkStats stats, float[] sample) {
        return SCALAR.tensor(stats, sample);
    }
}
