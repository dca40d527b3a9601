package io.hartonomous.kernels;

/** Scalar twin of {@link OrdinalKernels}: a byte at a time, most significant first. */
public final class ScalarOrdinalKernels implements OrdinalKernels.Implementation {
    public ScalarOrdinalKernels() {
    }

    @Override
    public void unpack(byte[] packed, int width, int from, int count, int[] out, int outFrom) {
        OrdinalKernels.checkUnpack(packed, width, from, count, out, outFrom);
        int p = from * width;
        for (int i = 0; i < count; i++) {
            int v = 0;
            for (int k = 0; k < width; k++) {
                v = v << 8 | packed[p++] & 0xFF;
            }
            out[outFrom + i] = v;
        }
    }

    @Override
    public void pack(int[] ordinals, int from, int count, int width, byte[] out, int outFrom) {
        OrdinalKernels.checkPack(ordinals, from, count, width, out, outFrom);
        int p = outFrom;
        for (int i = from; i < from + count; i++) {
            int v = ordinals[i];
            if (!fits(v, width)) {
                throw new IllegalArgumentException("ordinal " + v + " at " + i + " does not fit " + width
                        + " bytes");
            }
            for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) {
                out[p++] = (byte) (v >>> shift);
            }
        }
    }

    static boolean fits(int v, int width) {
        return v >= 0 && (width == 4 || v >>> (8 * width) == 0);
    }
}
