package io.hartonomous.ingest.atomize.model;

import java.util.List;

/**
 * One validated tensor of a model: {@code shape} outermost-first, {@code dtype} as the file names it, {@code storedAs}
 * the atom subtype of its values, {@code dataOffset} where its bytes start in the file (for the tensor table).
 */
public record TensorSpec(String name, List<Long> shape, String dtype, String storedAs, long elements,
                         long dataOffset, TensorReader reader) {
    public TensorSpec {
        shape = List.copyOf(shape);
    }

    /** Product of the dimensions, or a BadInputException naming the tensor when it overflows. */
    public static long elements(String name, List<Long> shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new io.hartonomous.ingest.detect.BadInputException("tensor " + name + " has a negative dimension");
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new io.hartonomous.ingest.detect.BadInputException("tensor " + name + " has shape " + shape
                        + ", whose element count overflows");
            }
        }
        return n;
    }
}
