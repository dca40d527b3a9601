package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.NewAtom;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What this engine's running jobs learnt from their committed chunks: per job, the atoms its file's dictionary holds
 * (content hash to atom id and ordinal). A later chunk of the job finds those atoms without a lookup and adds no
 * references for them until the job completes ({@link OccurrenceSettlement}). Only committed facts go in (after the
 * chunk's transaction), and a job's entries go when it completes or fails, so an entry is never wrong: a held atom
 * is kept by the file's dictionary entry, and cannot be deleted under it ({@link AtomPurges#UNHELD}). Bounded: at most {@link #capacity()} entries over
 * all jobs; past that, chunks look atoms up in the database as before (slower, same result).
 */
final class HeldAtoms {
    /** About what an entry costs on the heap: the hash (array and wrapper), the map node, the value. */
    private static final long BYTES_PER_ENTRY = 160;

    record Held(long atomId, int ordinal) {
    }

    private final long capacity;
    private final AtomicLong size = new AtomicLong();
    private final Map<Long, Map<ContentHash, Held>> byJob = new ConcurrentHashMap<>();

    HeldAtoms(long capacity) {
        this.capacity = capacity;
    }

    /** An eighth of the heap this JVM may grow to. */
    static HeldAtoms forHeap(long maxHeapBytes) {
        return new HeldAtoms(maxHeapBytes / 8 / BYTES_PER_ENTRY);
    }

    long capacity() {
        return capacity;
    }

    /**
     * What the job's file's dictionary is known here to hold, by content hash (read-only; empty when nothing is
     * known). Taken once per chunk: the per-atom lookups then cost one map probe each.
     */
    Map<ContentHash, Held> ofJob(long jobId) {
        Map<ContentHash, Held> held = byJob.get(jobId);
        return held == null ? Map.of() : Collections.unmodifiableMap(held);
    }

    /**
     * After a chunk of the job committed: its atoms with occurrences are held by the file, at these ordinals.
     *
     * @param atomIds     by chunk ordinal (0 where the chunk's rows did not use the atom)
     * @param ordinals    by chunk ordinal, the atom's ordinal in the file's dictionary
     * @param knownBefore by chunk ordinal, >= 0 where this already held the atom (nothing to learn)
     */
    void learn(long jobId, List<NewAtom> atoms, long[] atomIds, int[] ordinals, int[] knownBefore) {
        Map<ContentHash, Held> held = byJob.computeIfAbsent(jobId, j -> new ConcurrentHashMap<>());
        for (int i = 0; i < atomIds.length; i++) {
            if (atomIds[i] == 0 || knownBefore[i] >= 0) {
                continue;
            }
            if (size.incrementAndGet() > capacity) {
                size.decrementAndGet();
                return;
            }
            if (held.putIfAbsent(atoms.get(i).contentHash(), new Held(atomIds[i], ordinals[i])) != null) {
                size.decrementAndGet();
            }
        }
    }

    /** The job ended (or its next chunk found it ended): its entries are no longer needed. */
    void forget(long jobId) {
        Map<ContentHash, Held> held = byJob.remove(jobId);
        if (held != null) {
            size.addAndGet(-held.size());
        }
    }

    long size() {
        return size.get();
    }
}
