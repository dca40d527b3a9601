package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.NewAtom;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One running job's dictionary as its committed chunks wrote it, kept in the writing process: per ordinal the atom,
 * the Occurrences its entry was given and the positions the chunks stored at it. When this process wrote every chunk
 * of the job and made every entry, the settlement's deltas are known here ({@link #owed}) and the job's completion
 * reads neither the segments nor the dictionary back. Anything it did not see (a chunk written elsewhere or before a
 * restart, an entry it did not make, segments of a second dictionary) makes it partial, and the settlement counts.
 */
final class OccurrenceTally {
    /** What one ordinal's atom is owed when the job completes. */
    record Owed(int ordinal, long atomId, long delta, ContentHash hash) {
    }

    /** Which of the job's dictionaries the chunks wrote. */
    enum Dictionary { FILE, MODEL }

    /** About what an ordinal costs on the heap: four array slots (the hash is shared with {@link HeldAtoms}). */
    static final long BYTES_PER_ORDINAL = 32;

    private Dictionary dictionary;
    private int chunks;
    private int entries;
    private long[] atomIds = new long[0];
    private ContentHash[] hashes = new ContentHash[0];
    private long[] given = new long[0];
    private long[] positions = new long[0];
    private boolean whole = true;

    /**
     * A committed chunk of the job (chunk indexes must follow on from the last one seen).
     *
     * @param atomIds     by chunk ordinal (0 where the chunk's positions did not use the atom)
     * @param entries     the chunk's dictionary entries, by chunk ordinal
     * @param occurrences by chunk ordinal, the positions the chunk stored
     */
    synchronized void add(Dictionary of, int chunkIndex, List<NewAtom> atoms, long[] atomIds,
                          SegmentDictionary.Entries entries, long[] occurrences) {
        if (!whole) {
            return;
        }
        if (chunkIndex != chunks || (dictionary != null && dictionary != of)) {
            clear();
            return;
        }
        dictionary = of;
        for (int i = 0; i < atomIds.length; i++) {
            if (atomIds[i] == 0 || occurrences[i] == 0) {
                continue;
            }
            int ordinal = entries.ordinal()[i];
            if (!entries.held()[i]) {
                if (ordinal != this.entries) {
                    clear();
                    return;
                }
                grow();
                this.atomIds[ordinal] = atomIds[i];
                hashes[ordinal] = atoms.get(i).contentHash();
                given[ordinal] = entries.given()[i];
                this.entries++;
            } else if (ordinal >= this.entries) {
                clear();
                return;
            }
            positions[ordinal] += occurrences[i];
        }
        chunks++;
    }

    /**
     * The deltas that make this dictionary exact, when the tally saw all {@code chunksCommitted} chunks of the job
     * and they wrote {@code of}; empty when the settlement must count.
     */
    synchronized Optional<List<Owed>> owed(Dictionary of, int chunksCommitted) {
        if (!whole || chunks != chunksCommitted || dictionary != of) {
            return Optional.empty();
        }
        List<Owed> owed = new ArrayList<>();
        for (int o = 0; o < entries; o++) {
            long delta = positions[o] - given[o];
            if (delta != 0) {
                owed.add(new Owed(o, atomIds[o], delta, hashes[o]));
            }
        }
        return Optional.of(owed);
    }

    synchronized int entries() {
        return entries;
    }

    /** Stops tallying (the tally could not be trusted, or the memory is needed): the settlement counts. */
    synchronized void clear() {
        whole = false;
        atomIds = new long[0];
        hashes = new ContentHash[0];
        given = new long[0];
        positions = new long[0];
    }

    private void grow() {
        if (entries < atomIds.length) {
            return;
        }
        int size = Math.max(1024, atomIds.length * 2);
        atomIds = Arrays.copyOf(atomIds, size);
        hashes = Arrays.copyOf(hashes, size);
        given = Arrays.copyOf(given, size);
        positions = Arrays.copyOf(positions, size);
    }
}
