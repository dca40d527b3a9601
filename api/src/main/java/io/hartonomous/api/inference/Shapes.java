package io.hartonomous.api.inference;

import java.util.Arrays;
import java.util.List;

/** Tensor shapes as ONNX Runtime states them: a negative dimension is symbolic (any size). */
final class Shapes {
    private Shapes() {
    }

    static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** True when {@code shape} has the declared rank and every fixed declared dimension. */
    static boolean fits(long[] shape, long[] declared) {
        if (shape.length != declared.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (declared[i] >= 0 && declared[i] != shape[i]) {
                return false;
            }
        }
        return true;
    }

    static boolean fixed(long[] declared) {
        return Arrays.stream(declared).allMatch(d -> d >= 0);
    }

    /** The declared shape as text, symbolic dimensions as "?" (e.g. [?, 3, 224, 224]). */
    static String describe(long[] declared) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < declared.length; i++) {
            b.append(i == 0 ? "" : ", ").append(declared[i] < 0 ? "?" : Long.toString(declared[i]));
        }
        return b.append(']').toString();
    }

    static long[] of(List<Long> dims) {
        return dims.stream().mapToLong(Long::longValue).toArray();
    }
}
