package io.hartonomous.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Both twins give identical output, and it is the first-seen-order reference computed with a HashMap. */
class DistinctKernelsTest {
    private static final DistinctKernels.Implementation VECTOR = new VectorDistinctKernels();
    private static final DistinctKernels.Implementation SCALAR = new ScalarDistinctKernels();
    private final Random rnd = new Random(11);

    private static void checkInts(int[] keys, int from, int count) {
        DistinctInts simd = VECTOR.distinct(keys, from, count);
        DistinctInts scalar = SCALAR.distinct(keys, from, count);
        Map<Integer, Integer> ref = new HashMap<>();
        for (int i = 0; i < count; i++) {
            ref.putIfAbsent(keys[from + i], ref.size());
        }
        assertThat(simd.distinctCount()).isEqualTo(ref.size()).isEqualTo(scalar.distinctCount());
        assertThat(simd.values()).hasSize(ref.size()).isEqualTo(scalar.values());
        assertThat(simd.ordinals()).hasSize(count).isEqualTo(scalar.ordinals());
        for (int i = 0; i < count; i++) {
            assertThat(simd.values()[simd.ordinals()[i]]).isEqualTo(keys[from + i]);
            assertThat(simd.ordinals()[i]).isEqualTo(ref.get(keys[from + i]));
        }
    }

    private static void checkLongs(long[] keys, int from, int count) {
        DistinctLongs simd = VECTOR.distinct(keys, from, count);
        DistinctLongs scalar = SCALAR.distinct(keys, from, count);
        Map<Long, Integer> ref = new HashMap<>();
        for (int i = 0; i < count; i++) {
            ref.putIfAbsent(keys[from + i], ref.size());
        }
        assertThat(simd.distinctCount()).isEqualTo(ref.size()).isEqualTo(scalar.distinctCount());
        assertThat(simd.values()).hasSize(ref.size()).isEqualTo(scalar.values());
        assertThat(simd.ordinals()).hasSize(count).isEqualTo(scalar.ordinals());
        for (int i = 0; i < count; i++) {
            assertThat(simd.ordinals()[i]).isEqualTo(ref.get(keys[from + i]));
        }
    }

    @Test
    void randomKeysEveryLengthAndOffset() {
        for (int n : TestData.LENGTHS) {
            for (int off : TestData.OFFSETS) {
                int[] keys = TestData.ints(rnd, off + n + 2);
                checkInts(keys, off, n);
                long[] longs = new long[off + n + 2];
                for (int i = 0; i < longs.length; i++) {
                    longs[i] = switch (rnd.nextInt(5)) {
                        case 0 -> 0L;
                        case 1 -> -1L;
                        case 2 -> Long.MIN_VALUE;
                        default -> rnd.nextLong();
                    };
                }
                checkLongs(longs, off, n);
            }
        }
    }

    @Test
    void runsFewValuesAndTableGrowth() {
        // image-like: runs of equal pixels, a small palette, and enough distinct keys to grow the table many times
        int n = 200_000;
        int[] keys = new int[n];
        long[] longs = new long[n];
        int i = 0;
        while (i < n) {
            int run = 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 70);
            int v = rnd.nextInt(4) == 0 ? rnd.nextInt() : rnd.nextInt(50);
            for (int r = 0; r < run && i < n; r++, i++) {
                keys[i] = v;
                longs[i] = (long) v * 0x0001_0001_0001L;
            }
        }
        checkInts(keys, 0, n);
        checkInts(keys, 17, n - 40);
        checkLongs(longs, 0, n);
        checkLongs(longs, 3, n - 5);
        // all equal, all distinct, keys that collide in the multiplicative hash (multiples of a large power of two)
        checkInts(new int[5000], 0, 5000);
        int[] distinct = new int[70_000];
        int[] colliding = new int[5000];
        for (int k = 0; k < distinct.length; k++) {
            distinct[k] = k;
        }
        for (int k = 0; k < colliding.length; k++) {
            colliding[k] = k << 20;
        }
        checkInts(distinct, 0, distinct.length);
        checkInts(colliding, 0, colliding.length);
        long[] collidingLongs = new long[5000];
        for (int k = 0; k < collidingLongs.length; k++) {
            collidingLongs[k] = (long) k << 50;
        }
        checkLongs(collidingLongs, 0, collidingLongs.length);
    }

    /**
     * The table is presized from a sample; for a photo-like input (each of 100,000 values about 10 times, in no
     * order) the estimate must stay near the true count. Scaling the sample's distinct fraction up gave 2^21 slots
     * here (16 MB) for 100,000 values.
     */
    @Test
    void presizingDoesNotOvershootRepeatedValues() {
        int count = 1 << 20;
        int[] keys = new int[count];
        long[] wide = new long[count];
        for (int i = 0; i < count; i++) {
            keys[i] = rnd.nextInt(100_000) * 7919;
            wide[i] = keys[i] * 0x1_0001L;
        }
        // 2^18 = 262,144 slots hold 100,000 values at load 1/2; one doubling either way is fine, 2^21 is not
        assertThat(ScalarDistinctKernels.initialBits(keys, 0, count)).isBetween(17, 19);
        assertThat(ScalarDistinctKernels.initialBits(wide, 0, count)).isBetween(17, 19);
        // all distinct: the estimate may fall short (the table then grows), but not below the sample's own size
        int[] distinct = new int[count];
        for (int i = 0; i < count; i++) {
            distinct[i] = i * 31;
        }
        assertThat(ScalarDistinctKernels.initialBits(distinct, 0, count)).isGreaterThanOrEqualTo(13);
        checkInts(keys, 0, count);
    }
}
