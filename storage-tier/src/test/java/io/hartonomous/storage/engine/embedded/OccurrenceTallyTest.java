package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.engine.embedded.OccurrenceTally.Dictionary;
import io.hartonomous.storage.engine.embedded.OccurrenceTally.Owed;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tally gives the settlement's deltas only for a job it saw whole; anything it did not see sends the settlement
 * back to counting. (That the tallied settlement leaves counts exact is the contract suites' business: every
 * multi-chunk ingest there completes through it.)
 */
class OccurrenceTallyTest {
    private static final AtomType RGBA8 = AtomType.of(Modality.IMAGE, "rgba8");
    private static final NewAtom RED = NewAtom.of(RGBA8, new byte[] {(byte) 255, 0, 0, (byte) 255});
    private static final NewAtom GREEN = NewAtom.of(RGBA8, new byte[] {0, (byte) 255, 0, (byte) 255});
    private static final NewAtom BLUE = NewAtom.of(RGBA8, new byte[] {0, 0, (byte) 255, (byte) 255});

    /** Chunk 0 creates red (3 positions, given 3) and finds green existing (2 positions, given 0). */
    private static void firstChunk(OccurrenceTally tally) {
        tally.add(Dictionary.FILE, 0, List.of(RED, GREEN), new long[] {10, 11},
                new SegmentDictionary.Entries(new int[] {0, 1}, new boolean[] {false, false}, new long[] {3, 0}),
                new long[] {3, 2});
    }

    /** Chunk 1 reuses red (4 more positions) and creates blue (1 position, given 1). */
    private static void secondChunk(OccurrenceTally tally, int chunkIndex) {
        tally.add(Dictionary.FILE, chunkIndex, List.of(BLUE, RED), new long[] {12, 10},
                new SegmentDictionary.Entries(new int[] {2, 0}, new boolean[] {false, true}, new long[] {1, 0}),
                new long[] {1, 4});
    }

    @Test
    void aWholeJobOwesEachRecurringOrExistingAtomItsPositionsBeyondWhatItsEntryWasGiven() {
        OccurrenceTally tally = new OccurrenceTally();
        firstChunk(tally);
        secondChunk(tally, 1);
        List<Owed> owed = tally.owed(Dictionary.FILE, 2).orElseThrow();
        assertEquals(List.of(new Owed(0, 10, 4, RED.contentHash()), new Owed(1, 11, 2, GREEN.contentHash())), owed);
        assertEquals(3, tally.entries());
    }

    @Test
    void aJobItDidNotSeeWholeIsCounted() {
        OccurrenceTally skipped = new OccurrenceTally();
        firstChunk(skipped);
        secondChunk(skipped, 2);
        assertTrue(skipped.owed(Dictionary.FILE, 3).isEmpty(), "a chunk index was skipped");

        OccurrenceTally resumed = new OccurrenceTally();
        firstChunk(resumed);
        assertTrue(resumed.owed(Dictionary.FILE, 2).isEmpty(), "another process committed the last chunk");

        OccurrenceTally foreign = new OccurrenceTally();
        foreign.add(Dictionary.FILE, 0, List.of(RED), new long[] {10},
                new SegmentDictionary.Entries(new int[] {5}, new boolean[] {true}, new long[] {0}), new long[] {1});
        assertTrue(foreign.owed(Dictionary.FILE, 1).isEmpty(), "an entry it did not make");

        OccurrenceTally gap = new OccurrenceTally();
        gap.add(Dictionary.FILE, 0, List.of(RED), new long[] {10},
                new SegmentDictionary.Entries(new int[] {1}, new boolean[] {false}, new long[] {1}), new long[] {1});
        assertTrue(gap.owed(Dictionary.FILE, 1).isEmpty(), "an ordinal it did not see handed out");

        OccurrenceTally mixed = new OccurrenceTally();
        firstChunk(mixed);
        mixed.add(Dictionary.MODEL, 1, List.of(BLUE), new long[] {12},
                new SegmentDictionary.Entries(new int[] {0}, new boolean[] {false}, new long[] {1}), new long[] {1});
        assertTrue(mixed.owed(Dictionary.FILE, 2).isEmpty(), "a second dictionary");
        assertTrue(mixed.owed(Dictionary.MODEL, 2).isEmpty());

        OccurrenceTally model = new OccurrenceTally();
        firstChunk(model);
        assertTrue(model.owed(Dictionary.MODEL, 1).isEmpty(), "the file's tally is not the model's");
    }

    @Test
    void aJobPastTheHeldBoundLosesItsTally() {
        HeldAtoms held = new HeldAtoms(1);
        held.learn(1, Dictionary.FILE, 0, List.of(RED, GREEN), new long[] {10, 11},
                new SegmentDictionary.Entries(new int[] {0, 1}, new boolean[] {false, false}, new long[] {3, 0}),
                new int[] {-1, -1}, new long[] {3, 2});
        assertTrue(held.tally(1).owed(Dictionary.FILE, 1).isEmpty());
        assertTrue(held.tally(2).owed(Dictionary.FILE, 0).isEmpty(), "a job this process wrote nothing of");
    }
}
