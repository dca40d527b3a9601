package io.hartonomous.kernels;

import java.util.Arrays;
import java.util.Objects;

/**
 * Scalar twin of {@link DistinctKernels}: one open-addressing hash table (power-of-two capacity, multiplicative
 * (Fibonacci) hash, linear probing, grown at load 1/2), filled in key order, so values come out in first-seen order.
 */
public final class ScalarDistinctKernels implements DistinctKernels.Implementation {
    static final int GOLDEN32 = 0x9E37_79B9;
    static final long GOLDEN64 = 0x9E37_79B9_7F4A_7C15L;
    static final int INITIAL_BITS = 10;
    static final int MAX_PRESIZE_BITS = 25;
    static final int SAMPLE = 4096;

    public ScalarDistinctKernels() {
    }

    @Override
    public DistinctInts distinct(int[] keys, int from, int count) {
        Objects.checkFromIndexSize(from, count, keys.length);
        int[] ordinals = new int[count];
        return new IntTable(initialBits(keys, from, count)).finish(keys, from, ordinals, 0);
    }

    @Override
    public DistinctLongs distinct(long[] keys, int from, int count) {
        Objects.checkFromIndexSize(from, count, keys.length);
        int[] ordinals = new int[count];
        return new LongTable(initialBits(keys, from, count)).finish(keys, from, ordinals, 0);
    }

    /**
     * Table size (log2) from a strided sample of {@value #SAMPLE} keys, so that high-cardinality inputs (photos,
     * noise) do not start with a chain of rehashes. The distinct count is estimated with the GEE estimator (Charikar
     * et al., "Towards estimation error guarantees for distinct values", PODS 2000): values seen once in the sample
     * count {@code sqrt(count / SAMPLE)} times, values seen more often once. (Scaling the sample's distinct fraction
     * up instead sized a 4.2 M-pixel photo with 0.47 M colours for 4 M: a 64 MB table, twice the L3 cache, which
     * made every probe a memory access and the whole step twice as slow.) Only speed depends on it; the output does
     * not.
     */
    static int initialBits(int[] keys, int from, int count) {
        if (count <= SAMPLE) {
            return INITIAL_BITS;
        }
        IntTable sample = new IntTable(13);
        int[] seen = new int[SAMPLE];
        long step = count / SAMPLE;
        for (int k = 0; k < SAMPLE; k++) {
            seen[sample.ordinal(keys[from + (int) (k * step)])]++;
        }
        return bitsFor(estimateDistinct(seen, sample.size, count));
    }

    static int initialBits(long[] keys, int from, int count) {
        if (count <= SAMPLE) {
            return INITIAL_BITS;
        }
        LongTable sample = new LongTable(13);
        int[] seen = new int[SAMPLE];
        long step = count / SAMPLE;
        for (int k = 0; k < SAMPLE; k++) {
            seen[sample.ordinal(keys[from + (int) (k * step)])]++;
        }
        return bitsFor(estimateDistinct(seen, sample.size, count));
    }

    /** GEE: {@code sqrt(count / SAMPLE) * f1 + (distinct values seen at least twice)}. */
    private static long estimateDistinct(int[] seen, int sampleDistinct, int count) {
        int once = 0;
        for (int i = 0; i < sampleDistinct; i++) {
            if (seen[i] == 1) {
                once++;
            }
        }
        return (long) (Math.sqrt((double) count / SAMPLE) * once) + (sampleDistinct - once);
    }

    private static int bitsFor(long expectedDistinct) {
        int bits = INITIAL_BITS;
        while (bits < MAX_PRESIZE_BITS && (1L << bits) < 2 * expectedDistinct) {
            bits++;
        }
        return bits;
    }

    /** Slots are {@code (ordinal + 1) << 32 | key}; 0 is empty. */
    static final class IntTable {
        long[] slots;
        int shift;
        int mask;
        int[] values = new int[64];
        int size;

        IntTable(int bits) {
            slots = new long[1 << bits];
            shift = 32 - bits;
            mask = (1 << bits) - 1;
        }

        int ordinal(int key) {
            return ordinalHashed(key, (key * GOLDEN32) >>> shift);
        }

        int ordinalHashed(int key, int slot) {
            long[] s = slots;
            while (true) {
                long e = s[slot];
                if (e == 0) {
                    return insert(key, slot);
                }
                if ((int) e == key) {
                    return (int) (e >>> 32) - 1;
                }
                slot = (slot + 1) & mask;
            }
        }

        private int insert(int key, int slot) {
            int ord = size++;
            if (ord == values.length) {
                values = Arrays.copyOf(values, ord * 2);
            }
            values[ord] = key;
            slots[slot] = (long) (ord + 1) << 32 | (key & 0xFFFF_FFFFL);
            if (size * 2 > slots.length) {
                grow();
            }
            return ord;
        }

        private void grow() {
            long[] old = slots;
            slots = new long[old.length * 2];
            shift--;
            mask = slots.length - 1;
            for (long e : old) {
                if (e != 0) {
                    int slot = ((int) e * GOLDEN32) >>> shift;
                    while (slots[slot] != 0) {
                        slot = (slot + 1) & mask;
                    }
                    slots[slot] = e;
                }
            }
        }

        /** Looks up {@code keys[from + done ...]} one by one (the ordinals before {@code done} are set), then the result. */
        DistinctInts finish(int[] keys, int from, int[] ordinals, int done) {
            for (int i = done; i < ordinals.length; i++) {
                ordinals[i] = ordinal(keys[from + i]);
            }
            return result(ordinals);
        }

        DistinctInts result(int[] ordinals) {
            return new DistinctInts(size, Arrays.copyOf(values, size), ordinals);
        }
    }

    static final class LongTable {
        long[] keys;
        int[] ords;
        int shift;
        int mask;
        long[] values = new long[64];
        int size;

        LongTable(int bits) {
            keys = new long[1 << bits];
            ords = new int[1 << bits];
            shift = 64 - bits;
            mask = (1 << bits) - 1;
        }

        int ordinal(long key) {
            return ordinalHashed(key, (int) ((key * GOLDEN64) >>> shift));
        }

        int ordinalHashed(long key, int slot) {
            while (true) {
                int o = ords[slot];
                if (o == 0) {
                    return insert(key, slot);
                }
                if (keys[slot] == key) {
                    return o - 1;
                }
                slot = (slot + 1) & mask;
            }
        }

        private int insert(long key, int slot) {
            int ord = size++;
            if (ord == values.length) {
                values = Arrays.copyOf(values, ord * 2);
            }
            values[ord] = key;
            keys[slot] = key;
            ords[slot] = ord + 1;
            if (size * 2 > keys.length) {
                grow();
            }
            return ord;
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldOrds = ords;
            keys = new long[oldKeys.length * 2];
            ords = new int[oldKeys.length * 2];
            shift--;
            mask = keys.length - 1;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldOrds[i] != 0) {
                    int slot = (int) ((oldKeys[i] * GOLDEN64) >>> shift);
                    while (ords[slot] != 0) {
                        slot = (slot + 1) & mask;
                    }
                    keys[slot] = oldKeys[i];
                    ords[slot] = oldOrds[i];
                }
            }
        }

        /** Looks up {@code keys[from + done ...]} one by one (the ordinals before {@code done} are set), then the result. */
        DistinctLongs finish(long[] keys, int from, int[] ordinals, int done) {
            for (int i = done; i < ordinals.length; i++) {
                ordinals[i] = ordinal(keys[from + i]);
            }
            return result(ordinals);
        }

        DistinctLongs result(int[] ordinals) {
            return new DistinctLongs(size, Arrays.copyOf(values, size), ordinals);
        }
    }
}
