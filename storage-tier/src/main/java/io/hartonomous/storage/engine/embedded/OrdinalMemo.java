package io.hartonomous.storage.engine.embedded;

import java.util.Arrays;

/**
 * What one read stream over a parent has resolved, by dictionary ordinal: the ordinal's atom id and, once looked up,
 * its value. A parent's ordinals are dense (0 to distinct - 1), so arrays replace hash maps on the per-position path:
 * a 17.9 MP photo reads 17.9 M positions over 0.44 M ordinals. Bounded: ordinals at or past {@code capacity} are not
 * remembered, and their windows look them up again (slower, same answer). One stream's, used by one thread at a
 * time (the stream's read ahead hands it from window to window).
 */
final class OrdinalMemo<V> {
    /** About what an entry costs: the id, the value reference, the value itself (a small record and array). */
    private static final long BYTES_PER_ENTRY = 80;

    private final int capacity;
    private long[] atomIds = new long[0];
    private Object[] values = new Object[0];

    OrdinalMemo(int capacity) {
        this.capacity = capacity;
    }

    /** About a sixteenth of the heap. */
    static <V> OrdinalMemo<V> forHeap(long maxHeapBytes) {
        return new OrdinalMemo<>((int) Math.min(Integer.MAX_VALUE - 8, maxHeapBytes / 16 / BYTES_PER_ENTRY));
    }

    /** The atom of {@code ordinal}, or 0 when not known here (atom ids start at 1). */
    long atomId(int ordinal) {
        return ordinal < atomIds.length ? atomIds[ordinal] : 0;
    }

    void atomId(int ordinal, long atomId) {
        if (room(ordinal)) {
            atomIds[ordinal] = atomId;
        }
    }

    /** The value of {@code ordinal}, or null when not known here. */
    @SuppressWarnings("unchecked")
    V value(int ordinal) {
        return ordinal < values.length ? (V) values[ordinal] : null;
    }

    void value(int ordinal, V value) {
        if (room(ordinal)) {
            values[ordinal] = value;
        }
    }

    /** Grows both arrays to hold {@code ordinal} (doubling, up to the capacity); false past the capacity. */
    private boolean room(int ordinal) {
        if (ordinal < 0 || ordinal >= capacity) {
            return false;
        }
        if (ordinal >= atomIds.length) {
            int size = (int) Math.min(capacity, Math.max(ordinal + 1L, Math.max(1024L, 2L * atomIds.length)));
            atomIds = Arrays.copyOf(atomIds, size);
            values = Arrays.copyOf(values, size);
        }
        return true;
    }
}
