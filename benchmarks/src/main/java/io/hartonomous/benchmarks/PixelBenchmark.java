package io.hartonomous.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.hartonomous.kernels.PixelKernels;
import io.hartonomous.kernels.ScalarPixelKernels;
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

/** Canonical pixel keys for 64K pixels: SIMD vs scalar twin, per source layout. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
@State(Scope.Thread)
public class PixelBenchmark {
    private static final ScalarPixelKernels SCALAR_PIXEL = new ScalarPixelKernels();
    static final int PIXELS = 64 * 1024;

    /** argb = TYPE_INT_ARGB, abgr = TYPE_4BYTE_ABGR, bgr = TYPE_3BYTE_BGR, rgb8/rgba8 = PNG 8-bit, rgba16 = PNG 16-bit. */
    @Param({"argb", "abgr", "bgr", "gray8", "rgb8", "rgba8", "rgb16", "rgba16"})
    public String layout;

    int[] argb;
    byte[] bytes;
    short[] shorts;
    int[] out;
    long[] out16;
    /** Source of {@link #copyCeiling()} for the 16-bit layouts, whose output is a long per pixel. */
    long[] copy16;
    boolean simdRan;

    @Setup
    public void setup() {
        Random rnd = new Random(1);
        argb = new int[PIXELS];
        for (int i = 0; i < PIXELS; i++) {
            argb[i] = rnd.nextInt();
        }
        bytes = new byte[PIXELS * 4];
        rnd.nextBytes(bytes);
        shorts = new short[PIXELS * 4];
        for (int i = 0; i < shorts.length; i++) {
            shorts[i] = (short) rnd.nextInt();
        }
        out = new int[PIXELS];
        out16 = new long[PIXELS];
        copy16 = new long[PIXELS];
    }

    private static void run(boolean simd, String layout, int[] argb, byte[] bytes, short[] shorts, int[] out,
                            long[] out16) {
        switch (layout) {
            case "argb" -> {
                if (simd) {
                    PixelKernels.argbToRgba8(argb, 0, PIXELS, out, 0);
                } else {
                    SCALAR_PIXEL.argbToRgba8(argb, 0, PIXELS, out, 0);
                }
            }
            case "abgr" -> {
                if (simd) {
                    PixelKernels.abgr8ToRgba8(bytes, 0, PIXELS, out, 0);
                } else {
                    SCALAR_PIXEL.abgr8ToRgba8(bytes, 0, PIXELS, out, 0);
                }
            }
            case "bgr" -> {
                if (simd) {
                    PixelKernels.bgr8ToRgba8(bytes, 0, PIXELS, out, 0);
                } else {
                    SCALAR_PIXEL.bgr8ToRgba8(bytes, 0, PIXELS, out, 0);
                }
            }
            case "gray8", "rgb8", "rgba8" -> {
                int bands = layout.equals("gray8") ? 1 : layout.equals("rgb8") ? 3 : 4;
                if (simd) {
                    PixelKernels.interleaved8ToRgba8(bytes, 0, PIXELS, bands, out, 0);
                } else {
                    SCALAR_PIXEL.interleaved8ToRgba8(bytes, 0, PIXELS, bands, out, 0);
                }
            }
            default -> {
                int bands = layout.equals("rgb16") ? 3 : 4;
                if (simd) {
                    PixelKernels.interleaved16ToRgba16(shorts, 0, PIXELS, bands, out16, 0);
                } else {
                    SCALAR_PIXEL.interleaved16ToRgba16(shorts, 0, PIXELS, bands, out16, 0);
                }
            }
        }
    }

    @Benchmark
    public int[] simd() {
        run(true, layout, argb, bytes, shorts, out, out16);
        simdRan = true;
        return out;
    }

    @Benchmark
    public int[] scalar() {
        run(false, layout, argb, bytes, shorts, out, out16);
        return out;
    }

    /**
     * The scalar twin with C2's auto-vectorizer (SuperWord) off: scalar code run as scalar instructions. C2
     * vectorizes simple scalar loops by itself, so {@link #scalar()} alone would compare SIMD with SIMD.
     */
    /**
     * Not a twin: {@code System.arraycopy} of as many output pixels as the kernel writes (an intrinsic memcpy), the
     * ceiling for a one-operation conversion. Cited in docs/benchmarks.md.
     */
    @Benchmark
    public Object copyCeiling() {
        if (layout.endsWith("16")) {
            System.arraycopy(copy16, 0, out16, 0, PIXELS);
            return out16;
        }
        System.arraycopy(argb, 0, out, 0, PIXELS);
        return out;
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:-UseSuperWord"})
    public int[] scalarNoSuperWord() {
        run(false, layout, argb, bytes, shorts, out, out16);
        return out;
    }

    @TearDown(Level.Trial)
    public void verify() {
        if (simdRan) {
            int[] ref = new int[PIXELS];
            long[] ref16 = new long[PIXELS];
            run(false, layout, argb, bytes, shorts, ref, ref16);
            Check.same(out, ref, layout);
            Check.same(out16, ref16, layout);
        }
    }
}
