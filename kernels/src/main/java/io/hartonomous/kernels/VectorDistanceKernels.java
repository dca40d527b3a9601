package io.hartonomous.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector distances with the Vector API at the machine's preferred width; {@link ScalarDistanceKernels} is the twin
 * they are tested against. Lanes accumulate in float and are summed once at the end, so results may differ from
 * the scalar twin in the last bits (tests allow a relative tolerance). The lanes are summed in lane order rather than
 * with {@code reduceLanes(ADD)}, whose order is unspecified and differs between interpreted and compiled code: the
 * same inputs must always give the same distance (hybrid and exact search rank by it).
 */
final class VectorDistanceKernels implements DistanceKernels.Implementation {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    VectorDistanceKernels() {
    }

    @Override
    public float dot(float[] a, float[] b, int length) {
        DistanceKernels.checkLengths(a, b, length);
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = 0;
        int bound = SPECIES.loopBound(length);
        for (; i < bound; i += SPECIES.length()) {
            acc = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, b, i), acc);
        }
        float sum = sumInLaneOrder(acc);
        for (; i < length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    @Override
    public float squaredEuclidean(float[] a, float[] b, int length) {
        DistanceKernels.checkLengths(a, b, length);
        FloatVector acc = FloatVector.zero(SPECIES);
        int i = 0;
        int bound = SPECIES.loopBound(length);
        for (; i < bound; i += SPECIES.length()) {
            FloatVector d = FloatVector.fromArray(SPECIES, a, i).sub(FloatVector.fromArray(SPECIES, b, i));
            acc = d.fma(d, acc);
        }
        float sum = sumInLaneOrder(acc);
        for (; i < length; i++) {
            float d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    @Override
    public float cosineDistance(float[] a, float[] b, int length) {
        DistanceKernels.checkLengths(a, b, length);
        FloatVector dot = FloatVector.zero(SPECIES);
        FloatVector na = FloatVector.zero(SPECIES);
        FloatVector nb = FloatVector.zero(SPECIES);
        int i = 0;
        int bound = SPECIES.loopBound(length);
        for (; i < bound; i += SPECIES.length()) {
            FloatVector va = FloatVector.fromArray(SPECIES, a, i);
            FloatVector vb = FloatVector.fromArray(SPECIES, b, i);
            dot = va.fma(vb, dot);
            na = va.fma(va, na);
            nb = vb.fma(vb, nb);
        }
        float d = sumInLaneOrder(dot);
        float x = sumInLaneOrder(na);
        float y = sumInLaneOrder(nb);
        for (; i < length; i++) {
            d += a[i] * b[i];
            x += a[i] * a[i];
            y += b[i] * b[i];
        }
        return ScalarDistanceKernels.cosineFromSums(d, x, y);
    }

    /** Lane 0 + lane 1 + ... in that order: deterministic, unlike {@code reduceLanes(ADD)}. */
    static float sumInLaneOrder(FloatVector v) {
        float sum = 0f;
        for (float lane : v.toArray()) {
            sum += lane;
        }
        return sum;
    }

    /** Lanes of the preferred species, for tests that replay the kernels' order of operations. */
    static int laneCount() {
        return SPECIES.length();
    }
}
