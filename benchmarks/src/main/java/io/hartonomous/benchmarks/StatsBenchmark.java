package io.hartonomous.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.hartonomous.kernels.ChunkStats;
import io.hartonomous.kernels.ScalarStatsKernels;
import io.hartonomous.kernels.StatsKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Chunk statistics (min/max/NaN count + compensated mean and variance) over 1M floats. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class StatsBenchmark {
    private static final ScalarStatsKernels SCALAR_STATS = new ScalarStatsKernels();
    float[] v;

    @Setup
    public void setup() {
        Random rnd = new Random(6);
        v = new float[1 << 20];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian() * 0.02f;
        }
    }

    @Benchmark
    public ChunkStats simd() {
        return StatsKernels.stats(v, 0, v.length);
    }

    @Benchmark
    public ChunkStats scalar() {
        return SCALAR_STATS.stats(v, 0, v.length);
    }
}
