package io.hartonomous.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.hartonomous.kernels.OrdinalKernels;
import io.hartonomous.kernels.ScalarOrdinalKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A composition segment's packed ordinal column (big-endian, 1-4 bytes each) to ints and back: SIMD vs scalar twin,
 * with the JDK's copy of the ints as the ceiling. 4,096 ordinals is one segment (an image row); 65,536 a read
 * window's worth.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class OrdinalBenchmark {
    private static final ScalarOrdinalKernels SCALAR = new ScalarOrdinalKernels();

    @Param({"4096", "65536"})
    public int count;

    @Param({"1", "2", "3", "4"})
    public int width;

    int[] ordinals;
    int[] copy;
    byte[] packed;
    int[] unpacked;
    byte[] repacked;
    boolean unpackRan;
    boolean packRan;

    @Setup
    public void setup() {
        Random rnd = new Random(5);
        int bound = width == 4 ? Integer.MAX_VALUE : 1 << 8 * width;
        ordinals = new int[count];
        for (int i = 0; i < count; i++) {
            ordinals[i] = rnd.nextInt(bound);
        }
        copy = new int[count];
        packed = new byte[count * width];
        SCALAR.pack(ordinals, 0, count, width, packed, 0);
        unpacked = new int[count];
        repacked = new byte[count * width];
    }

    @Benchmark
    public int[] unpackSimd() {
        OrdinalKernels.unpack(packed, width, 0, count, unpacked, 0);
        unpackRan = true;
        return unpacked;
    }

    @Benchmark
    public int[] unpackScalar() {
        SCALAR.unpack(packed, width, 0, count, unpacked, 0);
        return unpacked;
    }

    /** The twin run as scalar instructions: C2's auto-vectorizer (SuperWord) off. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:-UseSuperWord"})
    public int[] unpackScalarNoSuperWord() {
        SCALAR.unpack(packed, width, 0, count, unpacked, 0);
        return unpacked;
    }

    @Benchmark
    public byte[] packSimd() {
        OrdinalKernels.pack(ordinals, 0, count, width, repacked, 0);
        packRan = true;
        return repacked;
    }

    @Benchmark
    public byte[] packScalar() {
        SCALAR.pack(ordinals, 0, count, width, repacked, 0);
        return repacked;
    }

    /** Not a twin: {@code System.arraycopy} of the {@code count} ints, the ceiling for writing them. */
    @Benchmark
    public int[] copyCeiling() {
        System.arraycopy(ordinals, 0, copy, 0, count);
        return copy;
    }

    @TearDown(Level.Trial)
    public void verify() {
        if (unpackRan) {
            Check.same(unpacked, ordinals, "unpack");
        }
        if (packRan) {
            byte[] twin = new byte[count * width];
            SCALAR.pack(ordinals, 0, count, width, twin, 0);
            if (!java.util.Arrays.equals(twin, repacked)) {
                throw new IllegalStateException("pack: SIMD output differs from the scalar twin");
            }
        }
    }
}
