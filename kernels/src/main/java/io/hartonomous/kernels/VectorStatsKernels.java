package io.hartonomous.kernels;

import java.util.Objects;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Chunk statistics with the Vector API; {@link ScalarStatsKernels} is the twin (see {@link ChunkStats}).
 *
 * <p>L floats (L = preferred double lanes) are widened to double lanes per step. NaN lanes are masked (min/max see
 * ±Inf, the sums see 0). Each lane keeps its own Kahan-compensated sum; the lane sums and compensations are folded
 * with a scalar Kahan sum at the end, then the tail. Pass 2 does the same for Σ(x−mean)².
 *
 * <p>Agreement with the twin: count, nanCount, min and max are identical. Mean and variance differ only by the order
 * of compensated double additions of float inputs, so |Δmean| ≤ 1e-12 · (Σ|x|)/count and
 * |Δvariance| ≤ 1e-12 · variance + 4·|Δmean|·(Σ|x−mean|)/count; the tests check relative 1e-12 on random and
 * adversarial data (the observed differences are ~1e-16).
 */
final class VectorStatsKernels implements StatsKernels.Implementation {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.withShape(
            VectorShape.forBitSize(D.vectorBitSize() / 2));

    VectorStatsKernels() {
    }

    @Override
    public ChunkStats stats(float[] v, int from, int count) {
        Objects.checkFromIndexSize(from, count, v.length);
        int lanes = F.length();
        FloatVector vmin = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
        FloatVector vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        DoubleVector sum = DoubleVector.zero(D);
        DoubleVector comp = DoubleVector.zero(D);
        long nan = 0;
        int i = 0;
        int bound = F.loopBound(count);
        for (; i < bound; i += lanes) {
            FloatVector x = FloatVector.fromArray(F, v, from + i);
            VectorMask<Float> isNan = x.test(VectorOperators.IS_NAN);
            if (isNan.anyTrue()) {
                nan += isNan.trueCount();
                vmin = vmin.min(x.blend(Float.POSITIVE_INFINITY, isNan));
                vmax = vmax.max(x.blend(Float.NEGATIVE_INFINITY, isNan));
                x = x.blend(0f, isNan);
            } else {
                vmin = vmin.min(x);
                vmax = vmax.max(x);
            }
            DoubleVector y = ((DoubleVector) x.convertShape(VectorOperators.F2D, D, 0)).sub(comp);
            DoubleVector t = sum.add(y);
            comp = t.sub(sum).sub(y);
            sum = t;
        }
        float min = vmin.reduceLanes(VectorOperators.MIN);
        float max = vmax.reduceLanes(VectorOperators.MAX);
        double s = 0;
        double c = 0;
        for (int l = 0; l < lanes; l++) {
            for (double part : new double[] {sum.lane(l), -comp.lane(l)}) {
                double y = part - c;
                double t = s + y;
                c = (t - s) - y;
                s = t;
            }
        }
        for (; i < count; i++) {
            float x = v[from + i];
            if (x != x) {
                nan++;
                continue;
            }
            min = Math.min(min, x);
            max = Math.max(max, x);
            double y = x - c;
            double t = s + y;
            c = (t - s) - y;
            s = t;
        }
        long n = count - nan;
        if (n == 0) {
            return new ChunkStats(0, Float.NaN, Float.NaN, Double.NaN, Double.NaN, nan);
        }
        if (Float.isInfinite(min) || Float.isInfinite(max)) {
            return StatsKernels.withInfinities(n, min, max, nan);
        }
        double mean = s / n;
        DoubleVector vmean = DoubleVector.broadcast(D, mean);
        DoubleVector sq = DoubleVector.zero(D);
        DoubleVector sqc = DoubleVector.zero(D);
        i = 0;
        for (; i < bound; i += lanes) {
            FloatVector x = FloatVector.fromArray(F, v, from + i);
            DoubleVector d = ((DoubleVector) x.convertShape(VectorOperators.F2D, D, 0)).sub(vmean);
            DoubleVector d2 = d.mul(d);
            VectorMask<Float> isNan = x.test(VectorOperators.IS_NAN);
            if (isNan.anyTrue()) {
                d2 = d2.blend(0.0, isNan.cast(D));
            }
            DoubleVector y = d2.sub(sqc);
            DoubleVector t = sq.add(y);
            sqc = t.sub(sq).sub(y);
            sq = t;
        }
        s = 0;
        c = 0;
        for (int l = 0; l < lanes; l++) {
            for (double part : new double[] {sq.lane(l), -sqc.lane(l)}) {
                double y = part - c;
                double t = s + y;
                c = (t - s) - y;
                s = t;
            }
        }
        for (; i < count; i++) {
            float x = v[from + i];
            if (x != x) {
                continue;
            }
            double d = x - mean;
            double y = d * d - c;
            double t = s + y;
            c = (t - s) - y;
            s = t;
        }
        return new ChunkStats(n, min, max, mean, s / n, nan);
    }
}
