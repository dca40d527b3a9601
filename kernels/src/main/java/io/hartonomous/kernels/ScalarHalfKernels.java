package io.hartonomous.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Scalar twin of {@link HalfKernels}: little-endian 16-bit floats and float32 from a memory segment to float.
 * {@code byteOffset} is the byte offset of the first value in {@code src}; values need not be aligned.
 */
public final class ScalarHalfKernels implements HalfKernels.Implementation {
    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public ScalarHalfKernels() {
    }

    /** IEEE binary16, exactly as {@link Float#float16ToFloat(short)} (NaN significand bits are kept, shifted). */
    @Override
    public void f16ToF32(MemorySegment src, long byteOffset, int count, float[] out, int outFrom) {
        HalfKernels.check(src, byteOffset, count, 2, out, outFrom);
        for (int i = 0; i < count; i++) {
            out[outFrom + i] = f16ToF32(src.get(LE_SHORT, byteOffset + 2L * i));
        }
    }

    /** bfloat16: the upper 16 bits of a float32. */
    @Override
    public void bf16ToF32(MemorySegment src, long byteOffset, int count, float[] out, int outFrom) {
        HalfKernels.check(src, byteOffset, count, 2, out, outFrom);
        for (int i = 0; i < count; i++) {
            out[outFrom + i] = Float.intBitsToFloat(src.get(LE_SHORT, byteOffset + 2L * i) << 16);
        }
    }

    /** Little-endian float32, bit-exact (NaN payloads included). */
    @Override
    public void f32(MemorySegment src, long byteOffset, int count, float[] out, int outFrom) {
        HalfKernels.check(src, byteOffset, count, 4, out, outFrom);
        for (int i = 0; i < count; i++) {
            out[outFrom + i] = Float.intBitsToFloat(src.get(LE_INT, byteOffset + 4L * i));
        }
    }

    /**
     * One binary16 to float32 by integer arithmetic, bit-identical to the Java definition of
     * {@link Float#float16ToFloat(short)}: subnormals become normal floats, Inf stays Inf, NaN keeps sign and
     * significand ({@code sign | 0x7F800000 | signif << 13}).
     */
    public static float f16ToF32(short h) {
        return Float.intBitsToFloat(f16Bits(h));
    }

    static int f16Bits(int h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return sign | 0x7F80_0000 | mant << 13;
        }
        if (exp == 0) {
            // subnormal or zero: mant * 2^-24, exact in float
            return sign | Float.floatToRawIntBits(mant * 0x1p-24f);
        }
        return sign | (exp + 112) << 23 | mant << 13;
    }

    static void checkOut(float[] out, int outFrom, int count) {
        Objects.checkFromIndexSize(outFrom, count, out.length);
    }
}
