package io.hartonomous.storage.engine.embedded;

import java.util.HashMap;
import java.util.Map;

/**
 * What one read (a stream of windows over a file) has resolved already, so that its later windows skip the lookups
 * of values they share with earlier ones: a photo's 17.9 M positions hold 0.44 M distinct colours, which a window of
 * 65,536 positions would otherwise look up again and again. Bounded: past {@code capacity} entries it stops learning
 * and the windows look the rest up as before. One stream's; not shared between threads.
 */
final class ReadMemo<K, V> {
    private final Map<K, V> known = new HashMap<>();
    private final int capacity;

    ReadMemo(int capacity) {
        this.capacity = capacity;
    }

    /** About a sixteenth of the heap, at roughly 100 bytes an entry. */
    static <K, V> ReadMemo<K, V> forHeap(long maxHeapBytes) {
        return new ReadMemo<>((int) Math.min(Integer.MAX_VALUE, maxHeapBytes / 16 / 100));
    }

    V get(K key) {
        return known.get(key);
    }

    void put(K key, V value) {
        if (known.size() < capacity || known.containsKey(key)) {
            known.put(key, value);
        }
    }
}
