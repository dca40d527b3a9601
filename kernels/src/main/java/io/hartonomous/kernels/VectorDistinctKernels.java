package io.hartonomous.kernels;

import java.util.Objects;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Distinct-value extraction; {@link ScalarDistinctKernels} is the twin and owns the hash table, so the output
 * (values in first-seen order, ordinals) is identical.
 *
 * <p>The SIMD part works on runs of L keys (L = lanes of the preferred int/long vector):
 * <ol>
 * <li>run check: one compare of the L keys with the L keys shifted by one. If every key equals its predecessor
 *     (flat image regions, digital silence) the L ordinals are the predecessor's, written as one broadcast; lanes
 *     that equal their predecessor copy its ordinal without touching the table;</li>
 * <li>the multiplicative hashes of the L keys are computed in one vector;</li>
 * <li>the remaining lanes probe/insert through the twin's table in lane order, which keeps first-seen order (a
 *     hash is recomputed only when an insert in the same run has grown the table).</li>
 * </ol>
 * The probing itself (a dependent, data-driven walk of a table that is usually larger than L2) is not
 * vectorized; see docs/benchmarks.md for what that means for speed.
 */
final class VectorDistinctKernels implements DistinctKernels.Implementation {
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    private static final int L = INTS.length();
    private static final int LL = LONGS.length();

    VectorDistinctKernels() {
    }

    @Override
    public DistinctInts distinct(int[] keys, int from, int count) {
        Objects.checkFromIndexSize(from, count, keys.length);
        int[] ordinals = new int[count];
        ScalarDistinctKernels.IntTable table = new ScalarDistinctKernels.IntTable(ScalarDistinctKernels.initialBits(keys, from, count));
        int[] hashes = new int[L];
        long[] home = new long[L];
        int i = 0;
        if (count > 0) {
            ordinals[0] = table.ordinal(keys[from]);
            i = 1;
        }
        for (; i + L <= count; i += L) {
            int base = from + i;
            IntVector k = IntVector.fromArray(INTS, keys, base);
            VectorMask<Integer> same = k.compare(VectorOperators.EQ, IntVector.fromArray(INTS, keys, base - 1));
            if (same.allTrue()) {
                IntVector.broadcast(INTS, ordinals[i - 1]).intoArray(ordinals, i);
                continue;
            }
            int shift = table.shift;
            k.mul(ScalarDistinctKernels.GOLDEN32).lanewise(VectorOperators.LSHR, shift).intoArray(hashes, 0);
            long sameBits = same.toLong();
            // touch all home slots first: L independent loads whose cache misses overlap
            long[] slots = table.slots;
            for (int l = 0; l < L; l++) {
                home[l] = slots[hashes[l]];
            }
            for (int l = 0; l < L; l++) {
                int key = keys[base + l];
                long e = home[l];
                if ((sameBits & (1L << l)) != 0) {
                    ordinals[i + l] = ordinals[i + l - 1];
                } else if (e != 0 && (int) e == key) {
                    // a hit in the home slot: the entry existed before this run, inserts never move it
                    ordinals[i + l] = (int) (e >>> 32) - 1;
                } else if (shift == table.shift) {
                    ordinals[i + l] = table.ordinalHashed(key, hashes[l]);
                } else {
                    ordinals[i + l] = table.ordinal(key);
                }
            }
        }
        return table.finish(keys, from, ordinals, i);
    }

    @Override
    public DistinctLongs distinct(long[] keys, int from, int count) {
        Objects.checkFromIndexSize(from, count, keys.length);
        int[] ordinals = new int[count];
        ScalarDistinctKernels.LongTable table = new ScalarDistinctKernels.LongTable(ScalarDistinctKernels.initialBits(keys, from, count));
        long[] hashes = new long[LL];
        int i = 0;
        if (count > 0) {
            ordinals[0] = table.ordinal(keys[from]);
            i = 1;
        }
        for (; i + LL <= count; i += LL) {
            int base = from + i;
            LongVector k = LongVector.fromArray(LONGS, keys, base);
            VectorMask<Long> same = k.compare(VectorOperators.EQ, LongVector.fromArray(LONGS, keys, base - 1));
            if (same.allTrue()) {
                int ord = ordinals[i - 1];
                for (int l = 0; l < LL; l++) {
                    ordinals[i + l] = ord;
                }
                continue;
            }
            int shift = table.shift;
            k.mul(ScalarDistinctKernels.GOLDEN64).lanewise(VectorOperators.LSHR, shift).intoArray(hashes, 0);
            long sameBits = same.toLong();
            for (int l = 0; l < LL; l++) {
                if ((sameBits & (1L << l)) != 0) {
                    ordinals[i + l] = ordinals[i + l - 1];
                } else if (shift == table.shift) {
                    ordinals[i + l] = table.ordinalHashed(keys[base + l], (int) hashes[l]);
                } else {
                    ordinals[i + l] = table.ordinal(keys[base + l]);
                }
            }
        }
        return table.finish(keys, from, ordinals, i);
    }
}
