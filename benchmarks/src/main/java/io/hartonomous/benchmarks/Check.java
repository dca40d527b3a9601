package io.hartonomous.benchmarks;

import java.util.Arrays;

/** Post-run sanity: what the JIT-compiled SIMD benchmark wrote must equal the scalar twin's output. */
final class Check {
    private Check() {
    }

    static void same(int[] simd, int[] scalar, String what) {
        if (!Arrays.equals(simd, scalar)) {
            throw new IllegalStateException(what + ": SIMD output differs from the scalar twin");
        }
    }

    static void same(long[] simd, long[] scalar, String what) {
        if (!Arrays.equals(simd, scalar)) {
            throw new IllegalStateException(what + ": SIMD output differs from the scalar twin");
        }
    }

    static void same(float[] simd, float[] scalar, String what) {
        for (int i = 0; i < simd.length; i++) {
            if (Float.floatToRawIntBits(simd[i]) != Float.floatToRawIntBits(scalar[i])
                    && !(Float.isNaN(simd[i]) && Float.isNaN(scalar[i]))) {
                throw new IllegalStateException(what + ": SIMD output differs from the scalar twin at " + i);
            }
        }
    }
}
