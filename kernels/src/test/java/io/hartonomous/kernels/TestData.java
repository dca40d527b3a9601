package io.hartonomous.kernels;

import java.util.Random;

/** Shared generators: random data salted with the edge values every kernel must survive. */
final class TestData {
    /** Lengths around every vector width in use (8, 16, 32, 64 lanes) plus odd sizes and empty. */
    static final int[] LENGTHS = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 255, 1000, 4099};
    static final int[] OFFSETS = {0, 1, 3, 5};

    static final float[] FLOAT_EDGES = {
        Float.NaN, Float.intBitsToFloat(0x7FC0_0001), Float.intBitsToFloat(0xFF80_0001), 0f, -0f,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.intBitsToFloat(0x007F_FFFF),
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f, 0.5f,
    };

    private TestData() {
    }

    static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        // salt with the extremes of every width: 0x00, 0xFF, 0x80, 0x7F
        for (int i = 0; i < n; i += 13) {
            b[i] = switch ((i / 13) % 4) {
                case 0 -> 0;
                case 1 -> (byte) 0xFF;
                case 2 -> (byte) 0x80;
                default -> 0x7F;
            };
        }
        return b;
    }

    static int[] ints(Random rnd, int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = switch (rnd.nextInt(8)) {
                case 0 -> 0;
                case 1 -> -1;
                case 2 -> Integer.MIN_VALUE;
                case 3 -> Integer.MAX_VALUE;
                default -> rnd.nextInt();
            };
        }
        return a;
    }

    static short[] shorts(Random rnd, int n) {
        short[] a = new short[n];
        for (int i = 0; i < n; i++) {
            a[i] = switch (rnd.nextInt(6)) {
                case 0 -> 0;
                case 1 -> (short) 0xFFFF;
                case 2 -> (short) 0x8000;
                default -> (short) rnd.nextInt();
            };
        }
        return a;
    }

    static float[] floats(Random rnd, int n, boolean edges) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = edges && rnd.nextInt(4) == 0 ? FLOAT_EDGES[rnd.nextInt(FLOAT_EDGES.length)]
                    : (float) rnd.nextGaussian() * 10;
        }
        return a;
    }
}
