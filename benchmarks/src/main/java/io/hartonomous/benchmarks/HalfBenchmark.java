package io.hartonomous.benchmarks;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.hartonomous.kernels.HalfKernels;
import io.hartonomous.kernels.ScalarHalfKernels;
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

/** Little-endian f16 / bf16 / f32 model weights to float: SIMD vs scalar twin. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class HalfBenchmark {
    private static final ScalarHalfKernels SCALAR_HALF = new ScalarHalfKernels();
    /**
     * Values per call: 65,536 is the chunk the ingest pipeline hands a kernel (input and output fit in L2, so the
     * kernel's own speed shows); 1,048,576 (4 MB of output) runs both sides at memory bandwidth.
     */
    @Param({"65536", "1048576"})
    public int count;

    @Param({"f16", "bf16", "f32"})
    public String type;

    MemorySegment src;
    float[] out;
    boolean simdRan;

    @Setup
    public void setup() {
        Random rnd = new Random(3);
        byte[] raw = new byte[count * 4];
        rnd.nextBytes(raw);
        // realistic weights: mostly normal f16 numbers (exponent never 0x1F)
        for (int i = 1; i < count * 2; i += 2) {
            raw[i] &= (byte) 0xBB;
        }
        src = MemorySegment.ofArray(raw);
        out = new float[count];
    }

    private void run(boolean simd, float[] out) {
        switch (type) {
            case "f16" -> {
                if (simd) {
                    HalfKernels.f16ToF32(src, 0, count, out, 0);
                } else {
                    SCALAR_HALF.f16ToF32(src, 0, count, out, 0);
                }
            }
            case "bf16" -> {
                if (simd) {
                    HalfKernels.bf16ToF32(src, 0, count, out, 0);
                } else {
                    SCALAR_HALF.bf16ToF32(src, 0, count, out, 0);
                }
            }
            default -> {
                if (simd) {
                    HalfKernels.f32(src, 0, count, out, 0);
                } else {
                    SCALAR_HALF.f32(src, 0, count, out, 0);
                }
            }
        }
    }

    @Benchmark
    public float[] simd() {
        run(true, out);
        simdRan = true;
        return out;
    }

    @Benchmark
    public float[] scalar() {
        run(false, out);
        return out;
    }

    /**
     * Not a twin: the JDK's bulk copy of the same {@code count * 4} bytes into the output (an intrinsic memcpy), the
     * ceiling for any kernel that writes {@code count} floats. Cited in docs/benchmarks.md.
     */
    @Benchmark
    public float[] copyCeiling() {
        MemorySegment.copy(src, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, out, 0, count);
        return out;
    }

    /**
     * The scalar twin with C2's auto-vectorizer (SuperWord) off: scalar code run as scalar instructions. C2
     * vectorizes simple scalar loops by itself, so {@link #scalar()} alone would compare SIMD with SIMD.
     */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:-UseSuperWord"})
    public float[] scalarNoSuperWord() {
        run(false, out);
        return out;
    }

    @TearDown(Level.Trial)
    public void verify() {
        if (simdRan) {
            float[] ref = new float[count];
            run(false, ref);
            Check.same(out, ref, type);
        }
    }
}
