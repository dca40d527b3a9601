package io.hartonomous.benchmarks;

import java.util.concurrent.TimeUnit;

import io.hartonomous.kernels.DistinctInts;
import io.hartonomous.kernels.DistinctKernels;
import io.hartonomous.kernels.DistinctLongs;
import io.hartonomous.kernels.PixelKernels;
import io.hartonomous.kernels.ScalarDistinctKernels;
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

/** Distinct extraction over 1M RGBA8 (int) and RGBA16 (long) keys of the synthetic photo/graphic images. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class DistinctBenchmark {
    private static final ScalarDistinctKernels SCALAR_DISTINCT = new ScalarDistinctKernels();
    static final int W = 1024;
    static final int H = 1024;

    @Param({"photo", "graphic"})
    public String image;

    int[] keys;
    long[] keys16;

    @Setup
    public void setup() {
        keys = new int[W * H];
        PixelKernels.argbToRgba8(SyntheticImages.argb(image, W, H), 0, W * H, keys, 0);
        keys16 = new long[W * H];
        for (int i = 0; i < keys.length; i++) {
            for (int c = 0; c < 4; c++) {
                keys16[i] |= (long) (((keys[i] >>> (8 * c)) & 0xFF) * 257) << (16 * c);
            }
        }
    }

    @Benchmark
    public DistinctInts simdRgba8() {
        return DistinctKernels.distinct(keys, 0, keys.length);
    }

    @Benchmark
    public DistinctInts scalarRgba8() {
        return SCALAR_DISTINCT.distinct(keys, 0, keys.length);
    }

    @Benchmark
    public DistinctLongs simdRgba16() {
        return DistinctKernels.distinct(keys16, 0, keys16.length);
    }

    @Benchmark
    public DistinctLongs scalarRgba16() {
        return SCALAR_DISTINCT.distinct(keys16, 0, keys16.length);
    }
}
