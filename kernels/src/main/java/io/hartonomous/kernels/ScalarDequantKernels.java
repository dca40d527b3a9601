package io.hartonomous.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Scalar twin of {@link DequantKernels}: GGML block formats dequantized to float32 with exactly the float32 operations, in
 * exactly the order, of upstream llama.cpp gguf-py {@code quants.py} ({@code dequantize_blocks}); results are
 * bitwise equal to it. There is no fused multiply-add anywhere (numpy does not fuse).
 *
 * <p>Block layouts (little-endian, {@code d}/{@code m}/{@code dmin} are IEEE binary16 unless noted):
 * <ul>
 * <li>Q8_0 (34 B): d, int8 qs[32]; {@code y = q * d}.</li>
 * <li>Q4_0 (18 B): d, qs[16]; value j&lt;16 low nibble of qs[j], j&ge;16 high nibble of qs[j-16];
 *     {@code y = d * (q - 8)}.</li>
 * <li>Q4_1 (20 B): d, m, qs[16]; {@code y = d * q + m}.</li>
 * <li>Q5_0 (22 B): d, uint32 qh, qs[16]; 5th bit of value j is bit j of qh; {@code y = d * (q - 16)}.</li>
 * <li>Q5_1 (24 B): d, m, qh, qs[16]; {@code y = d * q + m}.</li>
 * <li>Q4_K (144 B): d, dmin, scales[12] (8 six-bit scale/min pairs, {@code get_scale_min_k4}), qs[128];
 *     sub-block s of 32 values: {@code y = (d * sc[s]) * q - (dmin * m[s])}, q from qs[32(s/2) + l], low nibble
 *     for even s, high nibble for odd s.</li>
 * <li>Q5_K (176 B): d, dmin, scales[12], qh[32], qs[128]; as Q4_K with the 5th bit of sub-block s value l
 *     being bit s of qh[l].</li>
 * <li>Q6_K (210 B): ql[128], qh[64], int8 scales[16], d; value n (h = n/128, i = n%128):
 *     low 4 bits from ql[64h + i%64] (shift 4*(i/64)), high 2 bits from qh[32h + i%32] (shift 2*(i/32));
 *     {@code y = (d * scales[n/16]) * (q - 32)}.</li>
 * <li>Q8_K (292 B): float32 d, int8 qs[256], int16 bsums[16]; {@code y = d * q} (ggml
 *     {@code dequantize_row_q8_K}; gguf-py has no Q8_K dequantizer).</li>
 * </ul>
 */
public final class ScalarDequantKernels implements DequantKernels.Implementation {
    private static final ValueLayout.OfShort LE_SHORT = ScalarHalfKernels.LE_SHORT;
    private static final ValueLayout.OfInt LE_INT = ScalarHalfKernels.LE_INT;
    private static final ValueLayout.OfFloat LE_FLOAT = ScalarHalfKernels.LE_FLOAT;
    private static final ScalarHalfKernels HALVES = new ScalarHalfKernels();
    static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    public ScalarDequantKernels() {
    }

    static float half(MemorySegment src, long offset) {
        return ScalarHalfKernels.f16ToF32(src.get(LE_SHORT, offset));
    }

    static int u8(MemorySegment src, long offset) {
        return src.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    @Override
    public void q8_0(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        DequantKernels.check(src, byteOffset, blocks, 34, 32, out, outFrom);
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 34L * b;
            float d = half(src, base);
            int o = outFrom + 32 * b;
            for (int j = 0; j < 32; j++) {
                out[o + j] = (float) src.get(ValueLayout.JAVA_BYTE, base + 2 + j) * d;
            }
        }
    }

    @Override
    public void q4_0(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        DequantKernels.check(src, byteOffset, blocks, 18, 32, out, outFrom);
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 18L * b;
            float d = half(src, base);
            int o = outFrom + 32 * b;
            for (int j = 0; j < 16; j++) {
                int x = u8(src, base + 2 + j);
                out[o + j] = d * (float) ((x & 0xF) - 8);
                out[o + j + 16] = d * (float) ((x >>> 4) - 8);
            }
        }
    }

    @Override
    public void q4_1(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        DequantKernels.check(src, byteOffset, blocks, 20, 32, out, outFrom);
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 20L * b;
            float d = half(src, base);
            float m = half(src, base + 2);
            int o = outFrom + 32 * b;
            for (int j = 0; j < 16; j++) {
                int x = u8(src, base + 4 + j);
                out[o + j] = d * (float) (x & 0xF) + m;
                out[o + j + 16] = d * (float) (x >>> 4) + m;
            }
        }
    }

    @Override
    public void q5_0(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        DequantKernels.check(src, byteOffset, blocks, 22, 32, out, outFrom);
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 22L * b;
            float d = half(src, base);
            int qh = src.get(LE_INT, base + 2);
            int o = outFrom + 32 * b;
            for (int j = 0; j < 16; j++) {
                int x = u8(src, base + 6 + j);
                int lo = (x & 0xF) | ((qh >>> j) & 1) << 4;
                int hi = (x >>> 4) | ((qh >>> (j + 16)) & 1) << 4;
                out[o + j] = d * (float) (lo - 16);
                out[o + j + 16] = d * (float) (hi - 16);
            }
        }
    }

    @Override
    public void q5_1(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        DequantKernels.check(src, byteOffset, blocks, 24, 32, out, outFrom);
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 24L * b;
            float d = half(src, base);
            float m = half(src, base + 2);
            int qh = src.get(LE_INT, base + 4);
            int o = outFrom + 32 * b;
            for (int j = 0; j < 16; j++) {
                int x = u8(src, base + 8 + j);
                int lo = (x & 0xF) | ((qh >>> j) & 1) << 4;
                int hi = (x >>> 4) | ((qh >>> (j + 16)) & 1) << 4;
                out[o + j] = d * (float) lo + m;
                out[o + j + 16] = d * (float) hi + m;
            }
        }
    }

    /** {@code get_scale_min_k4}: the 6-bit scale (low 8 bits of the result) and min (bits 8..15) of sub-block j. */
    static int scaleMinK4(MemorySegment src, long scales, int j) {
        return scaleMinK4(src.get(LE_LONG, scales), src.get(LE_INT, scales + 8), j);
    }

    /**
     * {@code get_scale_min_k4} from the 12 packed bytes, given as bytes 0..7 ({@code lo}, little-endian) and 8..11
     * ({@code hi}).
     */
    static int scaleMinK4(long lo, int hi, int j) {
        int sc;
        int m;
        if (j < 4) {
            sc = (int) (lo >>> (8 * j)) & 63;
            m = (int) (lo >>> (8 * j + 32)) & 63;
        } else {
            int q = hi >>> (8 * (j - 4));
            sc = (q & 0xF) | ((int) (lo >>> (8 * (j - 4) + 6)) & 3) << 4;
            m = ((q >>> 4) & 0xF) | ((int) (lo >>> (8 * j + 6)) & 3) << 4;
        }
        return sc | m << 8;
    }

    @Override
    public void q4_K(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        DequantKernels.check(src, byteOffset, blocks, 144, 256, out, outFrom);
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 144L * b;
            float d = half(src, base);
            float dmin = half(src, base + 2);
            int o = outFrom + 256 * b;
            long scLo = src.get(LE_LONG, base + 4);
            int scHi = src.get(LE_INT, base + 12);
            for (int s = 0; s < 8; s++) {
                int scm = scaleMinK4(scLo, scHi, s);
                float ds = d * (float) (scm & 0xFF);
                float dm = dmin * (float) (scm >>> 8);
                long qs = base + 16 + 32L * (s >> 1);
                int shift = (s & 1) * 4;
                for (int l = 0; l < 32; l++) {
                    int q = (u8(src, qs + l) >>> shift) & 0xF;
                    out[o + 32 * s + l] = ds * (float) q - dm;
                }
            }
        }
    }

    @Override
    public void q5_K(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        DequantKernels.check(src, byteOffset, blocks, 176, 256, out, outFrom);
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 176L * b;
            float d = half(src, base);
            float dmin = half(src, base + 2);
            int o = outFrom + 256 * b;
            long scLo = src.get(LE_LONG, base + 4);
            int scHi = src.get(LE_INT, base + 12);
            for (int s = 0; s < 8; s++) {
                int scm = scaleMinK4(scLo, scHi, s);
                float ds = d * (float) (scm & 0xFF);
                float dm = dmin * (float) (scm >>> 8);
                long qs = base + 48 + 32L * (s >> 1);
                int shift = (s & 1) * 4;
                for (int l = 0; l < 32; l++) {
                    int q = ((u8(src, qs + l) >>> shift) & 0xF) | ((u8(src, base + 16 + l) >>> s) & 1) << 4;
                    out[o + 32 * s + l] = ds * (float) q - dm;
                }
            }
        }
    }

    @Override
    public void q6_K(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        DequantKernels.check(src, byteOffset, blocks, 210, 256, out, outFrom);
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 210L * b;
            float d = half(src, base + 208);
            int o = outFrom + 256 * b;
            for (int g = 0; g < 16; g++) {
                float dg = d * (float) src.get(ValueLayout.JAVA_BYTE, base + 192 + g);
                for (int k = 0; k < 16; k++) {
                    int n = 16 * g + k;
                    int h = n >> 7;
                    int i = n & 127;
                    int lo = (u8(src, base + 64 * h + (i & 63)) >>> ((i >> 6) * 4)) & 0xF;
                    int hi = (u8(src, base + 128 + 32 * h + (i & 31)) >>> ((i >> 5) * 2)) & 3;
                    out[o + n] = dg * (float) ((lo | hi << 4) - 32);
                }
            }
        }
    }

    @Override
    public void q8_K(MemorySegment src, long byteOffset, int blocks, float[] out, int outFrom) {
        DequantKernels.check(src, byteOffset, blocks, 292, 256, out, outFrom);
        for (int b = 0; b < blocks; b++) {
            long base = byteOffset + 292L * b;
            float d = src.get(LE_FLOAT, base);
            int o = outFrom + 256 * b;
            for (int j = 0; j < 256; j++) {
                out[o + j] = d * (float) src.get(ValueLayout.JAVA_BYTE, base + 4 + j);
            }
        }
    }

    @Override
    public HalfKernels.Implementation halves() {
        return HALVES;
    }
}
