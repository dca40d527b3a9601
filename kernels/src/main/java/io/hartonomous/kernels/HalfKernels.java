package io.hartonomous.kernels;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * binary16, bfloat16 and little-endian float32 to float32: the {@link VectorHalfKernels} on machines
 * {@link KernelProvider} finds fit for the Vector API, else {@link ScalarHalfKernels}, chosen once.
 */
public final class HalfKernels {
    private static final Implementation IMPL = KernelProvider.choose(KernelProvider.MIN_VECTOR_BITS,
            KernelProvider.ANY_WIDTH, () -> new VectorHalfKernels(), () -> new ScalarHalfKernels());

    /** The family's operations: {@code count} values from {@code byteOffset} into {@code out[outFrom...]}. */
    public interface Implementation {
        /** IEEE binary16, exactly as {@link Float#float16ToFloat(short)} (NaN significand bits are kept). */
        void f16ToF32(MemorySegment src, long byteOffset, int count, float[] out, int outFrom);

        /** bfloat16: the upper 16 bits of a float32. */
        void bf16ToF32(MemorySegment src, long byteOffset, int count, float[] out, int outFrom);

        /** Little-endian float32, bit-exact (NaN payloads included). */
        void f32(MemorySegment src, long byteOffset, int count, float[] out, int outFrom);
    }

    private HalfKernels() {
    }

    /** The implementation in use (for tests and reports). */
    public static Implementation implementation() {
        return IMPL;
    }

    public static void f16ToF32(MemorySegment src, long byteOffset, int count, float[] out, int outFrom) {
        IMPL.f16ToF32(src, byteOffset, count, out, outFrom);
    }

    public static void bf16ToF32(MemorySegment src, long byteOffset, int count, float[] out, int outFrom) {
        IMPL.bf16ToF32(src, byteOffset, count, out, outFrom);
    }

    public static void f32(MemorySegment src, long byteOffset, int count, float[] out, int outFrom) {
        IMPL.f32(src, byteOffset, count, out, outFrom);
    }

    static void check(MemorySegment src, long byteOffset, int count, int bytesPerValue, float[] out, int outFrom) {
        Objects.requireNonNull(src, "src");
        Objects.checkFromIndexSize(byteOffset, (long) count * bytesPerValue, src.byteSize());
        Objects.checkFromIndexSize(outFrom, count, out.length);
    }
}
