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
 * (content hash to atom id and ordinal), and the job's {@link OccurrenceTally}. A later chunk of the job finds those
 * atoms without a lookup and adds no references for them until the job completes ({@link OccurrenceSettlement}),
 * which takes its deltas from the tally when that saw the whole job. Only committed facts go in (after the chunk's
 * transaction), and a job's entries go when it completes or fails, so an entry is never wrong: a held atom is kept by
 * the file's dictionary entry, and cannot be deleted under it ({@link AtomPurges#UNHELD}). Bounded: at most
 * {@link #capacity()} entries over all jobs; past that, chunks look atoms up in the database as before and the job's
 * tally is dropped (slower, same result).
 */
final class HeldAtoms {
    /** About what an entry costs on the heap: the hash (array and wrapper), the map node, the value, its tally. */
    private static final long BYTES_PER_ENTRY = 160 + OccurrenceTally.BYTES_PER_ORDINAL;

    record Held(long atomId, int ordinal) {
    }

    private final long capacity;
    private final AtomicLong size = new AtomicLong();
    private final Map<Long, Map<ContentHash, Held>> byJob = new ConcurrentHashMap<>();
    private final Map<Long, OccurrenceTally> tallies = new ConcurrentHashMap<>();

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
     * After a chunk of the job committed: its atoms with occurrences are held by the file (or model) at the entries'
     * ordinals, and the job's tally adds the chunk.
     *
     * @param atomIds     by chunk ordinal (0 where the chunk's rows did not use the atom)
     * @param entries     by chunk ordinal, the atom's entry in the dictionary
     * @param knownBefore by chunk ordinal, >= 0 where this already held the atom (nothing to learn)
     * @param occurrences by chunk ordinal, the positions the chunk stored
     */
    void learn(long jobId, OccurrenceTally.Dictionary of, int chunkIndex, List<NewAtom> atoms, long[] atomIds,
               SegmentDictionary.Entries entries, int[] knownBefore, long[] occurrences) {
        OccurrenceTally tally = tallies.computeIfAbsent(jobId, j -> new OccurrenceTally());
        tally.add(of, chunkIndex, atoms, atomIds, entries, occurrences);
        Map<ContentHash, Held> held = byJob.computeIfAbsent(jobId, j -> new ConcurrentHashMap<>());
        for (int i = 0; i < atomIds.length; i++) {
            if (atomIds[i] == 0 || knownBefore[i] >= 0) {
                continue;
            }
            if (size.incrementAndGet() > capacity) {
                size.decrementAndGet();
                tally.clear();
                return;
            }
            if (held.putIfAbsent(atoms.get(i).contentHash(), new Held(atomIds[i], entries.ordinal()[i])) != null) {
                size.decrementAndGet();
            }
        }
    }

    /** The job's tally (an empty, partial one when this process wrote none of its chunks). */
    OccurrenceTally tally(long jobId) {
        OccurrenceTally tally = tallies.get(jobId);
        if (tally == null) {
            tally = new OccurrenceTally();
            tally.clear();
        }
        return tally;
    }

    /** The job ended (or its next chunk found it ended): its entries are no longer needed. */
    void forget(long jobId) {
        tallies.remove(jobId);
        Map<ContentHash, Held> held = byJob.remove(jobId);
        if (held != null) {
            size.addAndGet(-held.size());
        }
    }

    long size() {
        return size.get();
    }
}
