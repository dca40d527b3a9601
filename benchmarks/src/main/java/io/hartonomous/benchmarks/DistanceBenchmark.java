package io.hartonomous.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.hartonomous.kernels.ScalarDistanceKernels;
import io.hartonomous.kernels.DistanceKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Embedding distances at 384 (MiniLM) and 1998 (VECTOR(1998)) dimensions: SIMD vs scalar twin. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class DistanceBenchmark {
    private static final ScalarDistanceKernels SCALAR_DISTANCE = new ScalarDistanceKernels();
    @Param({"384", "1998"})
    public int dimension;

    float[] a;
    float[] b;

    @Setup
    public void setup() {
        Random rnd = new Random(8);
        a = new float[dimension];
        b = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            a[i] = (float) rnd.nextGaussian();
            b[i] = (float) rnd.nextGaussian();
        }
    }

    @Benchmark
    public float dotSimd() {
        return DistanceKernels.dot(a, b, dimension);
    }

    @Benchmark
    public float dotScalar() {
        return SCALAR_DISTANCE.dot(a, b, dimension);
    }

    @Benchmark
    public float cosineSimd() {
        return DistanceKernels.cosineDistance(a, b, dimension);
    }

    @Benchmark
    public float cosineScalar() {
        return SCALAR_DISTANCE.cosineDistance(a, b, dimension);
    }

    @Benchmark
    public float squaredEuclideanSimd() {
        return DistanceKernels.squaredEuclidean(a, b, dimension);
    }

    @Benchmark
    public float squaredEuclideanScalar() {
        return SCALAR_DISTANCE.squaredEuclidean(a, b, dimension);
    }
}
