package io.hartonomous.kernels;

/**
 * Distinct int keys of a run: {@code values[0..distinctCount)} in first-seen order (the array is exactly
 * {@code distinctCount} long); {@code ordinals[i]} is the index into {@code values} of {@code keys[from + i]}.
 */
public record DistinctInts(int distinctCount, int[] values, int[] ordinals) {
}
