package io.hartonomous.storage.engine.embedded;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The per-stream memo answers what it was told for every ordinal within its bound and nothing past it. */
class OrdinalMemoTest {
    @Test
    void remembersEveryOrdinalBelowItsCapacityAcrossGrowth() {
        OrdinalMemo<String> memo = new OrdinalMemo<>(100_000);
        for (int o = 0; o < 100_000; o += 7) {
            memo.atomId(o, 1_000_000L + o);
            memo.value(o, "v" + o);
        }
        for (int o = 0; o < 100_000; o++) {
            assertEquals(o % 7 == 0 ? 1_000_000L + o : 0, memo.atomId(o), "ordinal " + o);
            assertEquals(o % 7 == 0 ? "v" + o : null, memo.value(o), "ordinal " + o);
        }
    }

    @Test
    void forgetsNothingItKnewAndLearnsNothingPastItsBound() {
        OrdinalMemo<String> memo = new OrdinalMemo<>(10);
        memo.atomId(9, 42);
        memo.value(9, "nine");
        memo.atomId(10, 43);
        memo.value(10, "ten");
        memo.atomId(-1, 44);
        assertEquals(42, memo.atomId(9));
        assertEquals("nine", memo.value(9));
        assertEquals(0, memo.atomId(10), "past the bound a window looks the ordinal up again");
        assertNull(memo.value(10));
        assertEquals(0, memo.atomId(5000));
    }
}
