package io.hartonomous.storage.engine.embedded;

import java.util.List;

/**
 * Where a tensor's row-major element index sits in the (x, y, z) of {@code CoefficientBatch} and {@code TensorCell}:
 * x the innermost index ({@code sizeX} the innermost extent), y the next ({@code sizeY}), z the remaining outer indices
 * flattened. {@code elements} is the tensor's element count.
 */
record TensorGrid(long sizeX, long sizeY, long elements) {

    static TensorGrid of(List<Long> shape, long elements) {
        long x = shape.isEmpty() ? 1 : Math.max(1, shape.getLast());
        long y = shape.size() < 2 ? 1 : Math.max(1, shape.get(shape.size() - 2));
        return new TensorGrid(x, y, elements);
    }

    long x(long index) {
        return index % sizeX;
    }

    long y(long index) {
        return index / sizeX % sizeY;
    }

    long z(long index) {
        return index / sizeX / sizeY;
    }

    /** The element index of (x, y, z), or -1 when that is no element of the tensor. */
    long index(long x, long y, long z) {
        if (x < 0 || y < 0 || z < 0 || x >= sizeX || y >= sizeY) {
            return -1;
        }
        long i = (z * sizeY + y) * sizeX + x;
        return i < elements && i >= 0 ? i : -1;
    }
}
