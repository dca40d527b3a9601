package io.hartonomous.kernels;

import java.util.Arrays;
import java.util.Objects;

/**
 * Scalar twin of {@link DistinctKernels}: one open-addressing hash table (power-of-two capacity, multiplicative
 * (Fibonacci) hash, linear probing, grown at load 1/2), filled in key order, so values come out in first-seen order.
 */
public final class ScalarDistinctKernels {
    static final int GOLDEN32 = 0x9E37_79B9;
    static final long GOLDEN64 = 0x9E37_79B9_7F4A_7C15L;
    static final int INITIAL_BITS = 10;

    private ScalarDistinctKernels() {
    }

    public static DistinctInts distinct(int[] keys, int from, int count) {
        Objects.checkFromIndexSize(from, count, keys.length);
        int[] ordinals = new int[count];
        IntTable table = new IntTable();
        for (int i = 0; i < count; i++) {
            ordinals[i] = table.ordinal(keys[from + i]);
        }
        return table.result(ordinals);
    }

    public static DistinctLongs distinct(long[] keys, int from, int count) {
        Objects.checkFromIndexSize(from, count, keys.length);
        int[] ordinals = new int[count];
        LongTable table = new LongTable();
        for (int i = 0; i < count; i++) {
            ordinals[i] = table.ordinal(keys[from + i]);
        }
        return table.result(ordinals);
    }

    /** Slots are {@code (ordinal + 1) << 32 | key}; 0 is empty. */
    static final class IntTable {
        long[] slots = new long[1 << INITIAL_BITS];
        int shift = 32 - INITIAL_BITS;
        int mask = (1 << INITIAL_BITS) - 1;
        int[] values = new int[64];
        int size;

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

        DistinctInts result(int[] ordinals) {
            return new DistinctInts(size, Arrays.copyOf(values, size), ordinals);
        }
    }

    static final class LongTable {
        long[] keys = new long[1 << INITIAL_BITS];
        int[] ords = new int[1 << INITIAL_BITS];
        int shift = 64 - INITIAL_BITS;
        int mask = (1 << INITIAL_BITS) - 1;
        long[] values = new long[64];
        int size;

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

        DistinctLongs result(int[] ordinals) {
            return new DistinctLongs(size, Arrays.copyOf(values, size), ordinals);
        }
    }
}
