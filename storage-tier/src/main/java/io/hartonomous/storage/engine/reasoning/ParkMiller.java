package io.hartonomous.storage.engine.reasoning;

/**
 * The Park–Miller minimal standard generator (multiplier 48271): state = state * 48271 mod (2^31 - 1). Every product
 * stays below 2^47, so T-SQL computes it in BIGINT without overflow and both engines draw the same numbers from the
 * same seed (docs/decisions.md, "Reasoning: A* paths and attention generation").
 */
public final class ParkMiller {
    public static final long MODULUS = 2_147_483_647L;
    public static final long MULTIPLIER = 48_271L;

    private long state;

    /** Any long seeds it: the state starts at (seed mod 2147483646) + 1, in 1..2147483646 (never the fixed point 0). */
    public ParkMiller(long seed) {
        this.state = Math.floorMod(seed, MODULUS - 1) + 1;
    }

    /** Advances the state and returns state / 2147483647, strictly between 0 and 1. */
    public double nextUniform() {
        state = state * MULTIPLIER % MODULUS;
        return state / (double) MODULUS;
    }

    long state() {
        return state;
    }
}
