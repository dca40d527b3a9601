package io.hartonomous.storage.engine.segments;

import java.util.List;

/**
 * Where a tensor's row-major element index sits in the (x, y, z) of {@code CoefficientBatch} and {@code TensorCell}:
 * x the innermost index ({@code sizeX} the innermost extent), y the next ({@code sizeY}), z the remaining outer
 * indices flattened. An extent the tensor lacks, or that is 0, counts as 1. A tensor segment row carries both
 * extents, so it says by itself where each of its elements sits (sql/021's dbo.fn_TensorGrid derives the same from
 * the stored shape).
 *
 * @param elements the tensor's element count
 */
public record TensorGrid(long sizeX, long sizeY, long elements) {
    public TensorGrid {
        if (sizeX < 1 || sizeY < 1 || elements < 0) {
            throw new IllegalArgumentException("a tensor grid has extents of at least 1 and a non-negative element "
                    + "count, got " + sizeX + " x " + sizeY + " / " + elements);
        }
    }

    /** The grid of a tensor of this shape (outermost first, as {@code ModelLayer.shape}). */
    public static TensorGrid of(List<Long> shape, long elements) {
        long x = shape.isEmpty() ? 1 : Math.max(1, shape.getLast());
        long y = shape.size() < 2 ? 1 : Math.max(1, shape.get(shape.size() - 2));
        return new TensorGrid(x, y, elements);
    }

    public long x(long index) {
        return index % sizeX;
    }

    public long y(long index) {
        return index / sizeX % sizeY;
    }

    public long z(long index) {
        return index / sizeX / sizeY;
    }

    /** The element index of (x, y, z), or -1 when that is no element of the tensor. */
    public long index(long x, long y, long z) {
        if (x < 0 || y < 0 || z < 0 || x >= sizeX || y >= sizeY || elements == 0) {
            return -1;
        }
        // z is bounded first, so the product cannot overflow: it stays below the element count.
        if (z > (elements - 1) / sizeX / sizeY) {
            return -1;
        }
        long i = (z * sizeY + y) * sizeX + x;
        return i < elements ? i : -1;
    }
}
