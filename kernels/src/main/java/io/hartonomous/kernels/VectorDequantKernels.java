package io.hartonomous.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * GGML block dequantization with the Vector API; {@link ScalarDequantKernels} is the twin and documents the layouts.
 * Both are bitwise equal to upstream gguf-py {@code quants.dequantize} in float32.
 *
 * <p>Each block is unpacked with L-lane integer vectors (L = preferred float lanes: 16 on AVX-512, 8 on AVX2):
 * L quant bytes are zero- or sign-extended into int lanes, nibbles/high bits are extracted with lane-wise shifts and
 * masks (Q5 high bits with per-lane variable shifts of the broadcast {@code qh}), converted to float and scaled with
 * the same multiply/add/subtract sequence as the twin (never fused). Per-block scales are decoded scalar.
 * {@link KernelProvider} picks this class only for 8 or 16 float lanes (L must divide the 16-value runs).
 */
final class VectorDequantKernels implements DequantKernels.Implementation {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Lanes per float vector; every block loop steps by L over runs of 16 or 32 values. */
    private static final int L = F.length();
    /** A byte vector with L lanes (64 or 128 bits). */
    private static final VectorSpecies<Byte> BQ = ByteVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(8 * L));
    private static final VectorHalfKernels HALVES = new VectorHalfKernels();
    private static final IntVector IOTA = (IntVector) I.iotaShuffle(0, 1, false).toVector();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfInt LE_INT = ScalarHalfKernels.LE_INT;

    VectorDequantKernels() {
    }

    @Override
    public void q8_0(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        DequantKernels.check(src, byteOffset, blocks, 34, 32, out, outFrom);
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 34L * b;
            int8Times(src, base + 2, 32, ScalarDequantKernels.half(src, base), out, outFrom + 32 * b);
        }
    }

    @Override
    public void q4_0(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        DequantKernels.check(src, byteOffset, blocks, 18, 32, out, outFrom);
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 18L * b;
            FloatVector d = FloatVector.broadcast(F, ScalarDequantKernels.half(src, base));
            int o = outFrom + 32 * b;
            for (int c = 0; c < 16; c += L) {
                IntVector x = bytesU(src, base + 2 + c);
                d.mul(toFloat(x.and(0xF).sub(8))).intoArray(out, o + c);
                d.mul(toFloat(x.lanewise(VectorOperators.LSHR, 4).sub(8))).intoArray(out, o + 16 + c);
            }
        }
    }

    @Override
    public void q4_1(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        DequantKernels.check(src, byteOffset, blocks, 20, 32, out, outFrom);
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 20L * b;
            FloatVector d = FloatVector.broadcast(F, ScalarDequantKernels.half(src, base));
            float m = ScalarDequantKernels.half(src, base + 2);
            int o = outFrom + 32 * b;
            for (int c = 0; c < 16; c += L) {
                IntVector x = bytesU(src, base + 4 + c);
                d.mul(toFloat(x.and(0xF))).add(m).intoArray(out, o + c);
                d.mul(toFloat(x.lanewise(VectorOperators.LSHR, 4))).add(m).intoArray(out, o + 16 + c);
            }
        }
    }

    @Override
    public void q5_0(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        DequantKernels.check(src, byteOffset, blocks, 22, 32, out, outFrom);
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 22L * b;
            FloatVector d = FloatVector.broadcast(F, ScalarDequantKernels.half(src, base));
            IntVector qh = IntVector.broadcast(I, src.get(LE_INT, base + 2));
            int o = outFrom + 32 * b;
            for (int c = 0; c < 16; c += L) {
                IntVector x = bytesU(src, base + 6 + c);
                IntVector lo = x.and(0xF).or(fifthBit(qh, c));
                IntVector hi = x.lanewise(VectorOperators.LSHR, 4).or(fifthBit(qh, 16 + c));
                d.mul(toFloat(lo.sub(16))).intoArray(out, o + c);
                d.mul(toFloat(hi.sub(16))).intoArray(out, o + 16 + c);
            }
        }
    }

    @Override
    public void q5_1(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        DequantKernels.check(src, byteOffset, blocks, 24, 32, out, outFrom);
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 24L * b;
            FloatVector d = FloatVector.broadcast(F, ScalarDequantKernels.half(src, base));
            float m = ScalarDequantKernels.half(src, base + 2);
            IntVector qh = IntVector.broadcast(I, src.get(LE_INT, base + 4));
            int o = outFrom + 32 * b;
            for (int c = 0; c < 16; c += L) {
                IntVector x = bytesU(src, base + 8 + c);
                IntVector lo = x.and(0xF).or(fifthBit(qh, c));
                IntVector hi = x.lanewise(VectorOperators.LSHR, 4).or(fifthBit(qh, 16 + c));
                d.mul(toFloat(lo)).add(m).intoArray(out, o + c);
                d.mul(toFloat(hi)).add(m).intoArray(out, o + 16 + c);
            }
        }
    }

    @Override
    public void q4_K(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        DequantKernels.check(src, byteOffset, blocks, 144, 256, out, outFrom);
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 144L * b;
            float d = ScalarDequantKernels.half(src, base);
            float dmin = ScalarDequantKernels.half(src, base + 2);
            int o = outFrom + 256 * b;
            long scLo = src.get(ScalarDequantKernels.LE_LONG, base + 4);
            int scHi = src.get(LE_INT, base + 12);
            for (int p = 0; p < 4; p++) {
                int scm0 = ScalarDequantKernels.scaleMinK4(scLo, scHi, 2 * p);
                int scm1 = ScalarDequantKernels.scaleMinK4(scLo, scHi, 2 * p + 1);
                kPair(src, base + 16 + 32L * p, -1, 0, d * (float) (scm0 & 0xFF), dmin * (float) (scm0 >>> 8),
                        d * (float) (scm1 & 0xFF), dmin * (float) (scm1 >>> 8), out, o + 64 * p);
            }
        }
    }

    @Override
    public void q5_K(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        DequantKernels.check(src, byteOffset, blocks, 176, 256, out, outFrom);
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 176L * b;
            float d = ScalarDequantKernels.half(src, base);
            float dmin = ScalarDequantKernels.half(src, base + 2);
            int o = outFrom + 256 * b;
            long scLo = src.get(ScalarDequantKernels.LE_LONG, base + 4);
            int scHi = src.get(LE_INT, base + 12);
            for (int p = 0; p < 4; p++) {
                int scm0 = ScalarDequantKernels.scaleMinK4(scLo, scHi, 2 * p);
                int scm1 = ScalarDequantKernels.scaleMinK4(scLo, scHi, 2 * p + 1);
                kPair(src, base + 48 + 32L * p, base + 16, 2 * p, d * (float) (scm0 & 0xFF),
                        dmin * (float) (scm0 >>> 8), d * (float) (scm1 & 0xFF), dmin * (float) (scm1 >>> 8), out,
                        o + 64 * p);
            }
        }
    }

    /**
     * Two K-quant sub-blocks sharing 32 nibble bytes at {@code qs}: low nibbles → sub-block 0 ({@code ds0·q − dm0}),
     * high nibbles → sub-block 1. With {@code qh >= 0} (Q5_K) bit {@code bit} / {@code bit+1} of the 32 qh bytes is
     * the fifth bit of sub-block 0 / 1. Primitive arguments only, so nothing is boxed even if C2 does not inline it.
     */
    private static void kPair(MemorySegment src, long qs, long qh, int bit, float ds0, float dm0, float ds1,
                              float dm1, float[] out, int o) {
        FloatVector vds0 = FloatVector.broadcast(F, ds0);
        FloatVector vds1 = FloatVector.broadcast(F, ds1);
        for (int c = 0; c < 32; c += L) {
            IntVector x = bytesU(src, qs + c);
            IntVector q0 = x.and(0xF);
            IntVector q1 = x.lanewise(VectorOperators.LSHR, 4);
            if (qh >= 0) {
                IntVector h = bytesU(src, qh + c);
                q0 = q0.or(h.lanewise(VectorOperators.LSHR, bit).and(1).lanewise(VectorOperators.LSHL, 4));
                q1 = q1.or(h.lanewise(VectorOperators.LSHR, bit + 1).and(1).lanewise(VectorOperators.LSHL, 4));
            }
            vds0.mul(toFloat(q0)).sub(dm0).intoArray(out, o + c);
            vds1.mul(toFloat(q1)).sub(dm1).intoArray(out, o + 32 + c);
        }
    }

    @Override
    public void q6_K(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        DequantKernels.check(src, byteOffset, blocks, 210, 256, out, outFrom);
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 210L * b;
            float d = ScalarDequantKernels.half(src, base + 208);
            int o = outFrom + 256 * b;
            for (int g = 0; g < 16; g++) {
                int h = g >> 3;
                q6Group(src, base + 64 * h + 16 * (g & 3), ((g & 7) >> 2) * 4, base + 128 + 32 * h + 16 * (g & 1),
                        ((g & 7) >> 1) * 2, d * (float) src.get(ValueLayout.JAVA_BYTE, base + 192 + g), out,
                        o + 16 * g);
            }
        }
    }

    /** 16 Q6_K values sharing one scale: contiguous 16-byte runs of ql and qh (primitive arguments only). */
    private static void q6Group(MemorySegment src, long ql, int lshift, long qh, int hshift, float dg, float[] out,
                                int o) {
        FloatVector vdg = FloatVector.broadcast(F, dg);
        for (int c = 0; c < 16; c += L) {
            IntVector lo = bytesU(src, ql + c).lanewise(VectorOperators.LSHR, lshift).and(0xF);
            IntVector hi = bytesU(src, qh + c).lanewise(VectorOperators.LSHR, hshift).and(3);
            vdg.mul(toFloat(lo.or(hi.lanewise(VectorOperators.LSHL, 4)).sub(32))).intoArray(out, o + c);
        }
    }

    @Override
    public void q8_K(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        DequantKernels.check(src, byteOffset, blocks, 292, 256, out, outFrom);
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 292L * b;
            int8Times(src, base + 4, 256, src.get(ScalarHalfKernels.LE_FLOAT, base), out, outFrom + 256 * b);
        }
    }

    /** {@code out[o + j] = d * int8[j]} for {@code n} (a multiple of L) signed bytes at {@code q}. */
    private static void int8Times(MemorySegment src, long q, int n, float d, float[] out, int o) {
        FloatVector vd = FloatVector.broadcast(F, d);
        for (int c = 0; c < n; c += L) {
            vd.mul((FloatVector) ByteVector.fromMemorySegment(BQ, src, q + c, LE)
                    .convertShape(VectorOperators.B2F, F, 0)).intoArray(out, o + c);
        }
    }

    /** L unsigned bytes zero-extended into int lanes. */
    private static IntVector bytesU(MemorySegment src, long offset) {
        return (IntVector) ByteVector.fromMemorySegment(BQ, src, offset, LE)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    private static FloatVector toFloat(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    /** Bit (first + lane) of qh, moved to bit 4. */
    private static IntVector fifthBit(IntVector qh, int first) {
        return qh.lanewise(VectorOperators.LSHR, IOTA.add(first)).and(1).lanewise(VectorOperators.LSHL, 4);
    }

    @Override
    public HalfKernels.Implementation halves() {
        return HALVES;
    }
}
