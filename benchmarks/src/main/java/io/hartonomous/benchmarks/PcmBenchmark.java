package io.hartonomous.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.hartonomous.kernels.PcmKernels;
import io.hartonomous.kernels.ScalarPcmKernels;
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

/** Interleaved little-endian PCM samples to canonical keys, and keys to float: SIMD vs scalar twin. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class PcmBenchmark {
    private static final ScalarPcmKernels SCALAR_PCM = new ScalarPcmKernels();
    /**
     * Values per call: 65,536 is the chunk the ingest pipeline hands a kernel (input and output fit in L2, so the
     * kernel's own speed shows); 1,048,576 (4 MB of output) runs both sides at memory bandwidth.
     */
    @Param({"65536", "1048576"})
    public int samples;

    /**
     * pcm8, pcm16, pcm24, pcm32 decode; float64 = decode64; keysToFloat = pcm16 sample keys to float (the spectral
     * embedder's input).
     */
    @Param({"pcm8", "pcm16", "pcm24", "pcm32", "float64", "keysToFloat"})
    public String format;

    byte[] in;
    int[] keys;
    int[] out;
    long[] out64;
    float[] outF;
    /** Sources of {@link #copyCeiling()}: as many elements as the kernel writes. */
    long[] copy64;
    float[] copyF;
    boolean simdRan;

    @Setup
    public void setup() {
        Random rnd = new Random(2);
        in = new byte[samples * 8];
        rnd.nextBytes(in);
        keys = new int[samples];
        for (int i = 0; i < samples; i++) {
            keys[i] = (short) rnd.nextInt();
        }
        out = new int[samples];
        out64 = new long[samples];
        outF = new float[samples];
        copy64 = new long[samples];
        copyF = new float[samples];
    }

    private void run(boolean simd, int[] out, long[] out64, float[] outF) {
        switch (format) {
            case "float64" -> {
                if (simd) {
                    PcmKernels.decode64(in, 0, samples, out64, 0);
                } else {
                    SCALAR_PCM.decode64(in, 0, samples, out64, 0);
                }
            }
            case "keysToFloat" -> {
                if (simd) {
                    PcmKernels.toFloat(keys, 0, samples, 2, false, outF, 0);
                } else {
                    SCALAR_PCM.toFloat(keys, 0, samples, 2, false, outF, 0);
                }
            }
            default -> {
                int bps = format.charAt(3) == '8' ? 1 : format.equals("pcm16") ? 2 : format.equals("pcm24") ? 3 : 4;
                if (simd) {
                    PcmKernels.decode(in, 0, samples, bps, false, out, 0);
                } else {
                    SCALAR_PCM.decode(in, 0, samples, bps, false, out, 0);
                }
            }
        }
    }

    @Benchmark
    public Object simd() {
        run(true, out, out64, outF);
        simdRan = true;
        return out;
    }

    @Benchmark
    public Object scalar() {
        run(false, out, out64, outF);
        return out;
    }

    /**
     * The scalar twin with C2's auto-vectorizer (SuperWord) off: scalar code run as scalar instructions. C2
     * vectorizes simple scalar loops by itself, so {@link #scalar()} alone would compare SIMD with SIMD.
     */
    /**
     * Not a twin: {@code System.arraycopy} of as many output elements as the kernel writes (an intrinsic memcpy),
     * the ceiling for a one-operation conversion. Cited in docs/benchmarks.md.
     */
    @Benchmark
    public Object copyCeiling() {
        switch (format) {
            case "float64" -> {
                System.arraycopy(copy64, 0, out64, 0, samples);
                return out64;
            }
            case "keysToFloat" -> {
                System.arraycopy(copyF, 0, outF, 0, samples);
                return outF;
            }
            default -> {
                System.arraycopy(keys, 0, out, 0, samples);
                return out;
            }
        }
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:-UseSuperWord"})
    public Object scalarNoSuperWord() {
        run(false, out, out64, outF);
        return out;
    }

    @TearDown(Level.Trial)
    public void verify() {
        if (simdRan) {
            int[] ref = new int[samples];
            long[] ref64 = new long[samples];
            float[] refF = new float[samples];
            run(false, ref, ref64, refF);
            Check.same(out, ref, format);
            Check.same(out64, ref64, format);
            Check.same(outF, refF, format);
        }
    }
}
