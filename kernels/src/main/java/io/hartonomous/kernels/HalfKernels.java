package io.hartonomous.kernels;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** 16-bit float and float32 conversion with the Vector API; {@link ScalarHalfKernels} is the twin. */
public final class HalfKernels {
    private HalfKernels() {
    }

    public static void f16ToF32(MemorySegment src, long byteOffset, int count, float[] out, int outFrom) {
        ScalarHalfKernels.f16ToF32(src, byteOffset, count, out, outFrom);
    }

    public static void bf16ToF32(MemorySegment src, long byteOffset, int count, float[] out, int outFrom) {
        ScalarHalfKernels.bf16ToF32(src, byteOffset, count, out, outFrom);
    }

    public static void f32(MemorySegment src, long byteOffset, int count, float[] out, int outFrom) {
        ScalarHalfKernels.f32(src, byteOffset, count, out, outFrom);
    }

    static void check(MemorySegment src, long byteOffset, int count, int bytesPerValue, float[] out, int outFrom) {
        Objects.requireNonNull(src, "src");
        Objects.checkFromIndexSize(byteOffset, (long) count * bytesPerValue, src.byteSize());
        Objects.checkFromIndexSize(outFrom, count, out.length);
    }
}
