package io.hartonomous.ingest.atomize.model;

/** Reads a tensor's elements {@code [first, first + count)} (row-major) as canonical keys: the stored value's bits. */
@FunctionalInterface
public interface TensorReader {
    void read(long first, int count, long[] keys, int outFrom);
}
