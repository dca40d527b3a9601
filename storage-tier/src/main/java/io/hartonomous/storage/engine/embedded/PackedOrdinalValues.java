package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.atoms.AtomType;

import java.util.Arrays;

/**
 * One read's values by dictionary ordinal, packed side by side for the one type they share (a photo's 0.44 M
 * colours in 1.7 MB): a window's runs are then copied out of one array, position by position, instead of through
 * an object per ordinal (two cache misses per position, most of the read's time on a 17.9 MP photo). Bounded like
 * {@link OrdinalMemo}: ordinals at or past the capacity are not kept. A value of another type makes it unusable for
 * the rest of the read (the caller takes the general path).
 */
final class PackedOrdinalValues {
    private final int capacity;
    private AtomType type;
    private int width;
    private boolean mixed;
    private byte[] bytes = new byte[0];
    private boolean[] known = new boolean[0];

    PackedOrdinalValues(int capacity) {
        this.capacity = capacity;
    }

    /** About a sixteenth of the heap, at 8 bytes a value and one flag. */
    static PackedOrdinalValues forHeap(long maxHeapBytes) {
        return new PackedOrdinalValues((int) Math.min(Integer.MAX_VALUE / 16, maxHeapBytes / 16 / 9));
    }

    /** False once a value of a second type (or of no fixed size) was offered. */
    boolean usable() {
        return !mixed;
    }

    /** The type every kept value has (null before the first). */
    AtomType type() {
        return type;
    }

    boolean has(int ordinal) {
        return ordinal < known.length && known[ordinal];
    }

    /** Keeps the value of {@code ordinal}; past the capacity it is not kept, of another type it ends the use. */
    void put(int ordinal, AtomType valueType, byte[] value) {
        if (mixed || ordinal < 0 || ordinal >= capacity) {
            return;
        }
        if (type == null) {
            if (valueType.isFile()) {
                mixed = true;
                return;
            }
            type = valueType;
            width = valueType.valueBytes();
        } else if (valueType != type && !valueType.equals(type)) {
            mixed = true;
            return;
        }
        if (value == null || value.length != width) {
            mixed = true;
            return;
        }
        if (ordinal >= known.length) {
            int size = (int) Math.min(capacity, Math.max(ordinal + 1L, Math.max(1024L, 2L * known.length)));
            known = Arrays.copyOf(known, size);
            bytes = Arrays.copyOf(bytes, size * width);
        }
        System.arraycopy(value, 0, bytes, ordinal * width, width);
        known[ordinal] = true;
    }

    /** Copies the kept value of {@code ordinal} (which {@link #has}) to {@code out} at byte {@code at}. */
    void copy(int ordinal, byte[] out, int at) {
        int from = ordinal * width;
        for (int b = 0; b < width; b++) {
            out[at + b] = bytes[from + b];
        }
    }
}
