package io.hartonomous.kernels;

/**
 * Distinct long keys of a run: {@code values[0..distinctCount)} in first-seen order (the array is exactly
 * {@code distinctCount} long); {@code ordinals[i]} is the index into {@code values} of {@code keys[from + i]}.
 */
public record DistinctLongs(int distinctCount, long[] values, int[] ordinals) {
}
