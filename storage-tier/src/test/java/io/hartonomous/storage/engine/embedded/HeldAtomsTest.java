package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The per-job cache stays within its bound over all jobs and gives its room back when a job ends. */
class HeldAtomsTest {
    private static final AtomType RGBA8 = AtomType.of(Modality.IMAGE, "rgba8");

    private static List<NewAtom> pixels(int from, int n) {
        List<NewAtom> atoms = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            atoms.add(NewAtom.of(RGBA8, new byte[] {(byte) i, (byte) (i >> 8), 0, 0}));
        }
        return atoms;
    }

    private static void learnAll(HeldAtoms held, long job, List<NewAtom> atoms, long firstId) {
        int n = atoms.size();
        long[] ids = new long[n];
        int[] ordinals = new int[n];
        int[] knownBefore = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = firstId + i;
            ordinals[i] = i;
            knownBefore[i] = -1;
        }
        long[] occurrences = new long[n];
        java.util.Arrays.fill(occurrences, 1);
        held.learn(job, OccurrenceTally.Dictionary.FILE, 0, atoms, ids,
                new SegmentDictionary.Entries(ordinals, new boolean[n], occurrences), knownBefore, occurrences);
    }

    @Test
    void holdsAtMostItsCapacityOverAllJobsAndForgetsAJobsEntries() {
        HeldAtoms held = new HeldAtoms(5);
        List<NewAtom> first = pixels(0, 3);
        List<NewAtom> second = pixels(100, 4);
        learnAll(held, 1, first, 10);
        learnAll(held, 2, second, 20);
        assertEquals(held.capacity(), held.size());

        assertEquals(new HeldAtoms.Held(12, 2), held.ofJob(1).get(first.get(2).contentHash()));
        assertNotNull(held.ofJob(2).get(second.get(1).contentHash()));
        assertNull(held.ofJob(2).get(second.get(2).contentHash()), "past the bound, an atom is looked up, not held");
        assertNull(held.ofJob(2).get(first.get(0).contentHash()), "entries are per job");

        held.forget(1);
        assertEquals(2, held.size());
        assertNull(held.ofJob(1).get(first.get(0).contentHash()));
        learnAll(held, 2, second, 20);
        assertEquals(4, held.size(), "the room job 1 gave back is used, with no entry counted twice");
        assertNotNull(held.ofJob(2).get(second.get(3).contentHash()));
    }

    @Test
    void skipsAtomsTheChunkDidNotUseAndAtomsAlreadyHeld() {
        HeldAtoms held = new HeldAtoms(100);
        List<NewAtom> atoms = pixels(0, 3);
        held.learn(7, OccurrenceTally.Dictionary.FILE, 0, atoms, new long[] {5, 0, 6},
                new SegmentDictionary.Entries(new int[] {0, 0, 1}, new boolean[] {false, false, true},
                        new long[] {1, 0, 0}), new int[] {-1, -1, 4}, new long[] {1, 0, 2});
        assertEquals(1, held.size());
        assertNotNull(held.ofJob(7).get(atoms.get(0).contentHash()));
        assertNull(held.ofJob(7).get(atoms.get(1).contentHash()));
        assertNull(held.ofJob(7).get(atoms.get(2).contentHash()));
    }
}
