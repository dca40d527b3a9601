package io.hartonomous.benchmarks;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.hartonomous.kernels.DequantKernels;
import io.hartonomous.kernels.ScalarDequantKernels;
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

/** GGML blocks dequantized to float32: SIMD vs scalar twin. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class DequantBenchmark {
    private static final ScalarDequantKernels SCALAR_DEQUANT = new ScalarDequantKernels();
    /**
     * Values per call: 65,536 is the chunk the ingest pipeline hands a kernel (input and output fit in L2, so the
     * kernel's own speed shows); 1,048,576 (4 MB of output) runs both sides at memory bandwidth.
     */
    @Param({"65536", "1048576"})
    public int values;

    int blocks;

    @Param({"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K", "Q8_K"})
    public String type;

    MemorySegment src;
    float[] out;
    boolean simdRan;

    @Setup
    public void setup() {
        Random rnd = new Random(4);
        int blockBytes = DequantKernels.blockBytes(type);
        blocks = values / DequantKernels.blockValues(type);
        byte[] raw = new byte[blocks * blockBytes];
        rnd.nextBytes(raw);
        // finite scales: clear the top exponent bit of every binary16 scale field (d at 0 or 208 for Q6_K; the
        // float32 d of Q8_K gets a small exponent)
        for (int b = 0; b < blocks; b++) {
            int base = b * blockBytes;
            switch (type) {
                case "Q6_K" -> raw[base + 209] &= (byte) 0xBB;
                case "Q8_K" -> raw[base + 3] = (byte) 0x3C;
                default -> {
                    raw[base + 1] &= (byte) 0xBB;
                    raw[base + 3] &= (byte) 0xBB;
                }
            }
        }
        src = MemorySegment.ofArray(raw);
        out = new float[blocks * DequantKernels.blockValues(type)];
    }

    @Benchmark
    public float[] simd() {
        DequantKernels.dequantize(type, src, 0, blocks, out, 0);
        simdRan = true;
        return out;
    }

    @Benchmark
    public float[] scalar() {
        SCALAR_DEQUANT.dequantize(type, src, 0, blocks, out, 0);
        return out;
    }

    /**
     * The scalar twin with C2's auto-vectorizer (SuperWord) off: scalar code run as scalar instructions. C2
     * vectorizes simple scalar loops by itself, so {@link #scalar()} alone would compare SIMD with SIMD.
     */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:-UseSuperWord"})
    public float[] scalarNoSuperWord() {
        SCALAR_DEQUANT.dequantize(type, src, 0, blocks, out, 0);
        return out;
    }

    @TearDown(Level.Trial)
    public void verify() {
        if (simdRan) {
            float[] ref = new float[out.length];
            SCALAR_DEQUANT.dequantize(type, src, 0, blocks, ref, 0);
            Check.same(out, ref, type);
        }
    }
}
