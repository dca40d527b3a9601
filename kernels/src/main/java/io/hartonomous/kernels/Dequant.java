package io.hartonomous.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Objects;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * GGML block dequantization with the Vector API; {@link ScalarDequant} is the twin and documents the layouts.
 * Both are bitwise equal to upstream gguf-py {@code quants.dequantize} in float32.
 *
 * <p>Each block is unpacked with L-lane integer vectors (L = preferred float lanes: 16 on AVX-512, 8 on AVX2):
 * L quant bytes are zero- or sign-extended into int lanes, nibbles/high bits are extracted with lane-wise shifts and
 * masks (Q5 high bits with per-lane variable shifts of the broadcast {@code qh}), converted to float and scaled with
 * the same multiply/add/subtract sequence as the twin (never fused). Per-block scales are decoded scalar.
 * Machines with fewer than 8 float lanes use the scalar twin.
 */
public final class Dequant {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Lanes per float vector; every block loop steps by L over runs of 16 or 32 values. */
    private static final int L = F.length();
    /** SIMD needs a byte vector with L lanes (at least 64 bits) and L dividing 16. */
    private static final boolean SIMD = L >= 8 && L <= 16 && I.length() == L;
    private static final VectorSpecies<Byte> BQ = SIMD
            ? ByteVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(8 * L)) : null;
    private static final IntVector IOTA = (IntVector) I.iotaShuffle(0, 1, false).toVector();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfInt LE_INT = ScalarHalfKernels.LE_INT;

    private Dequant() {
    }

    public static void q8_0(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        check(src, byteOffset, blocks, 34, 32, out, outFrom);
        if (!SIMD) {
            ScalarDequant.q8_0(src, byteOffset, blocks, out, outFrom);
            return;
        }
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 34L * b;
            int8Times(src, base + 2, 32, ScalarDequant.half(src, base), out, outFrom + 32 * b);
        }
    }

    public static void q4_0(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        check(src, byteOffset, blocks, 18, 32, out, outFrom);
        if (!SIMD) {
            ScalarDequant.q4_0(src, byteOffset, blocks, out, outFrom);
            return;
        }
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 18L * b;
            FloatVector d = FloatVector.broadcast(F, ScalarDequant.half(src, base));
            int o = outFrom + 32 * b;
            for (int c = 0; c < 16; c += L) {
                IntVector x = bytesU(src, base + 2 + c);
                d.mul(toFloat(x.and(0xF).sub(8))).intoArray(out, o + c);
                d.mul(toFloat(x.lanewise(VectorOperators.LSHR, 4).sub(8))).intoArray(out, o + 16 + c);
            }
        }
    }

    public static void q4_1(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        check(src, byteOffset, blocks, 20, 32, out, outFrom);
        if (!SIMD) {
            ScalarDequant.q4_1(src, byteOffset, blocks, out, outFrom);
            return;
        }
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 20L * b;
            FloatVector d = FloatVector.broadcast(F, ScalarDequant.half(src, base));
            float m = ScalarDequant.half(src, base + 2);
            int o = outFrom + 32 * b;
            for (int c = 0; c < 16; c += L) {
                IntVector x = bytesU(src, base + 4 + c);
                d.mul(toFloat(x.and(0xF))).add(m).intoArray(out, o + c);
                d.mul(toFloat(x.lanewise(VectorOperators.LSHR, 4))).add(m).intoArray(out, o + 16 + c);
            }
        }
    }

    public static void q5_0(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        check(src, byteOffset, blocks, 22, 32, out, outFrom);
        if (!SIMD) {
            ScalarDequant.q5_0(src, byteOffset, blocks, out, outFrom);
            return;
        }
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 22L * b;
            FloatVector d = FloatVector.broadcast(F, ScalarDequant.half(src, base));
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

    public static void q5_1(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        check(src, byteOffset, blocks, 24, 32, out, outFrom);
        if (!SIMD) {
            ScalarDequant.q5_1(src, byteOffset, blocks, out, outFrom);
            return;
        }
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 24L * b;
            FloatVector d = FloatVector.broadcast(F, ScalarDequant.half(src, base));
            float m = ScalarDequant.half(src, base + 2);
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

    public static void q4_K(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        check(src, byteOffset, blocks, 144, 256, out, outFrom);
        if (!SIMD) {
            ScalarDequant.q4_K(src, byteOffset, blocks, out, outFrom);
            return;
        }
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 144L * b;
            float d = ScalarDequant.half(src, base);
            float dmin = ScalarDequant.half(src, base + 2);
            int o = outFrom + 256 * b;
            long scLo = src.get(ScalarDequant.LE_LONG, base + 4);
            int scHi = src.get(LE_INT, base + 12);
            for (int p = 0; p < 4; p++) {
                int scm0 = ScalarDequant.scaleMinK4(scLo, scHi, 2 * p);
                int scm1 = ScalarDequant.scaleMinK4(scLo, scHi, 2 * p + 1);
                kPair(src, base + 16 + 32L * p, -1, 0, d * (float) (scm0 & 0xFF), dmin * (float) (scm0 >>> 8),
                        d * (float) (scm1 & 0xFF), dmin * (float) (scm1 >>> 8), out, o + 64 * p);
            }
        }
    }

    public static void q5_K(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        check(src, byteOffset, blocks, 176, 256, out, outFrom);
        if (!SIMD) {
            ScalarDequant.q5_K(src, byteOffset, blocks, out, outFrom);
            return;
        }
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 176L * b;
            float d = ScalarDequant.half(src, base);
            float dmin = ScalarDequant.half(src, base + 2);
            int o = outFrom + 256 * b;
            long scLo = src.get(ScalarDequant.LE_LONG, base + 4);
            int scHi = src.get(LE_INT, base + 12);
            for (int p = 0; p < 4; p++) {
                int scm0 = ScalarDequant.scaleMinK4(scLo, scHi, 2 * p);
                int scm1 = ScalarDequant.scaleMinK4(scLo, scHi, 2 * p + 1);
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

    public static void q6_K(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        check(src, byteOffset, blocks, 210, 256, out, outFrom);
        if (!SIMD) {
            ScalarDequant.q6_K(src, byteOffset, blocks, out, outFrom);
            return;
        }
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 210L * b;
            float d = ScalarDequant.half(src, base + 208);
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

    public static void q8_K(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        check(src, byteOffset, blocks, 292, 256, out, outFrom);
        if (!SIMD) {
            ScalarDequant.q8_K(src, byteOffset, blocks, out, outFrom);
            return;
        }
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

    /**
     * Dispatch by GGML type name; {@code blocks} counts blocks of {@link #blockValues(String)} values (for F32, F16
     * and BF16 a block is one value).
     */
    public static void dequantize(String ggmlType, MemorySegment src, long byteOffset, int blocks, float[] out,
                                  int outFrom) {
        switch (normalize(ggmlType)) {
            case "Q8_0" -> q8_0(src, byteOffset, blocks, out, outFrom);
            case "Q4_0" -> q4_0(src, byteOffset, blocks, out, outFrom);
            case "Q4_1" -> q4_1(src, byteOffset, blocks, out, outFrom);
            case "Q5_0" -> q5_0(src, byteOffset, blocks, out, outFrom);
            case "Q5_1" -> q5_1(src, byteOffset, blocks, out, outFrom);
            case "Q4_K" -> q4_K(src, byteOffset, blocks, out, outFrom);
            case "Q5_K" -> q5_K(src, byteOffset, blocks, out, outFrom);
            case "Q6_K" -> q6_K(src, byteOffset, blocks, out, outFrom);
            case "Q8_K" -> q8_K(src, byteOffset, blocks, out, outFrom);
            case "F32" -> HalfKernels.f32(src, byteOffset, blocks, out, outFrom);
            case "F16" -> HalfKernels.f16ToF32(src, byteOffset, blocks, out, outFrom);
            case "BF16" -> HalfKernels.bf16ToF32(src, byteOffset, blocks, out, outFrom);
            default -> throw unsupported(ggmlType);
        }
    }

    /** Bytes per block, e.g. {@code "Q4_K"} → 144; case-insensitive. */
    public static int blockBytes(String ggmlType) {
        return switch (normalize(ggmlType)) {
            case "Q8_0" -> 34;
            case "Q4_0" -> 18;
            case "Q4_1" -> 20;
            case "Q5_0" -> 22;
            case "Q5_1" -> 24;
            case "Q4_K" -> 144;
            case "Q5_K" -> 176;
            case "Q6_K" -> 210;
            case "Q8_K" -> 292;
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw unsupported(ggmlType);
        };
    }

    /** Values per block, e.g. {@code "Q4_K"} → 256 (QK_K), {@code "Q8_0"} → 32; case-insensitive. */
    public static int blockValues(String ggmlType) {
        return switch (normalize(ggmlType)) {
            case "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1" -> 32;
            case "Q4_K", "Q5_K", "Q6_K", "Q8_K" -> 256;
            case "F32", "F16", "BF16" -> 1;
            default -> throw unsupported(ggmlType);
        };
    }

    /** Whether this class can dequantize the GGML type name. */
    public static boolean supports(String ggmlType) {
        return switch (normalize(ggmlType)) {
            case "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "F32", "F16", "BF16" -> true;
            default -> false;
        };
    }

    static String normalize(String ggmlType) {
        return Objects.requireNonNull(ggmlType, "ggmlType").toUpperCase(Locale.ROOT);
    }

    static UnsupportedOperationException unsupported(String ggmlType) {
        return new UnsupportedOperationException("GGML type " + ggmlType + " is not supported (supported: F32, F16,"
                + " BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K, Q8_K)");
    }

    static void check(MemorySegment src, long byteOffset, int blocks, int blockBytes, int blockValues, float[] out,
                      int outFrom) {
        Objects.requireNonNull(src, "src");
        if (blocks < 0) {
            throw new IllegalArgumentException("negative block count " + blocks);
        }
        Objects.checkFromIndexSize(byteOffset, (long) blocks * blockBytes, src.byteSize());
        Objects.checkFromIndexSize(outFrom, Math.multiplyExact(blocks, blockValues), out.length);
    }
}
