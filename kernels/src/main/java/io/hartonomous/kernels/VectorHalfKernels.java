package io.hartonomous.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * 16-bit float and float32 conversion with the Vector API; {@link ScalarHalfKernels} is the twin.
 *
 * <p>binary16 is widened by integer arithmetic, identical bit for bit to the twin (and to the Java definition of
 * {@link Float#float16ToFloat}): {@code o = (h & 0x7FFF) << 13}; normal numbers add the exponent rebias
 * {@code 112 << 23}; Inf/NaN get exponent 255 with the significand kept; zeros and subnormals are
 * {@code float(mantissa) * 2^-24} (exact); then the sign is or-ed in. bfloat16 is {@code bits << 16}; float32 is the
 * JDK's bulk copy. Loads are byte-vector loads reinterpreted as shorts: short-vector loads straight from a
 * heap byte segment are not intrinsified by C2 in JDK 25.
 */
final class VectorHalfKernels implements HalfKernels.Implementation {
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    /** Bytes holding as many binary16 values as INTS has lanes. */
    private static final VectorSpecies<Byte> BYTES_H =
            ByteVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(INTS.vectorBitSize() / 2));
    private static final ValueLayout.OfFloat LE_FLOAT = ScalarHalfKernels.LE_FLOAT;
    private static final ScalarHalfKernels SCALAR = new ScalarHalfKernels();

    VectorHalfKernels() {
    }

    @Override
    public void f16ToF32(MemorySegment src, long byteOffset, int count, float[] out, int outFrom) {
        HalfKernels.check(src, byteOffset, count, 2, out, outFrom);
        int lanes = INTS.length();
        int i = 0;
        for (; i + lanes <= count; i += lanes) {
            IntVector h = (IntVector) ByteVector.fromMemorySegment(BYTES_H, src, byteOffset + 2L * i,
                    ByteOrder.LITTLE_ENDIAN).reinterpretAsShorts().convertShape(VectorOperators.S2I, INTS, 0);
            widen(h).intoArray(out, outFrom + i);
        }
        if (i < count) {
            SCALAR.f16ToF32(src, byteOffset + 2L * i, count - i, out, outFrom + i);
        }
    }

    /** binary16 bits in the low 16 bits of each lane (upper bits ignored) to float32. */
    static FloatVector widen(IntVector h) {
        IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        IntVector mant = h.and(0x3FF);
        IntVector exp = h.and(0x7C00);
        IntVector o = h.and(0x7FFF).lanewise(VectorOperators.LSHL, 13);
        VectorMask<Integer> special = exp.compare(VectorOperators.EQ, 0x7C00);
        VectorMask<Integer> small = exp.compare(VectorOperators.EQ, 0);
        IntVector normal = o.add(112 << 23).blend(o.or(0x7F80_0000), special);
        IntVector sub = ((FloatVector) mant.convert(VectorOperators.I2F, 0)).mul(0x1p-24f).reinterpretAsInts();
        return normal.blend(sub, small).or(sign).reinterpretAsFloats();
    }

    @Override
    public void bf16ToF32(MemorySegment src, long byteOffset, int count, float[] out, int outFrom) {
        HalfKernels.check(src, byteOffset, count, 2, out, outFrom);
        int lanes = INTS.length();
        int i = 0;
        for (; i + lanes <= count; i += lanes) {
            ((IntVector) ByteVector.fromMemorySegment(BYTES_H, src, byteOffset + 2L * i, ByteOrder.LITTLE_ENDIAN)
                    .reinterpretAsShorts().convertShape(VectorOperators.S2I, INTS, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(out, outFrom + i);
        }
        if (i < count) {
            SCALAR.bf16ToF32(src, byteOffset + 2L * i, count - i, out, outFrom + i);
        }
    }

    /**
     * Little-endian float32 is the JDK's bulk copy: no lane of it needs converting on a little-endian host, and on a
     * big-endian one the same call swaps the bytes in bulk. Byte-vector loads and stores measured 1.46x the copy at
     * 65,536 values (docs/benchmarks.md); no loop of ours moves bytes faster than the copy intrinsic.
     */
    @Override
    public void f32(MemorySegment src, long byteOffset, int count, float[] out, int outFrom) {
        HalfKernels.check(src, byteOffset, count, 4, out, outFrom);
        MemorySegment.copy(src, LE_FLOAT, byteOffset, out, outFrom, count);
    }
}
