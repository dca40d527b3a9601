package io.hartonomous.storage.engine.reasoning;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The minimal standard generator against its published check value and the seed mapping both engines use. */
class ParkMillerTest {
    @Test
    void seedZeroStartsAtOneAndReachesTheMinstdCheckValue() {
        ParkMiller random = new ParkMiller(0);
        assertThat(random.state()).isEqualTo(1);
        assertThat(random.nextUniform()).isEqualTo(48271 / 2147483647.0);
        for (int i = 1; i < 10_000; i++) {
            random.nextUniform();
        }
        // C++ [rand.predef]: the 10000th value of a default-seeded minstd_rand (multiplier 48271) is 399268537.
        assertThat(random.state()).isEqualTo(399_268_537L);
    }

    @Test
    void everySeedMapsIntoTheGeneratorsRange() {
        assertThat(new ParkMiller(2_147_483_646L).state()).isEqualTo(1);
        assertThat(new ParkMiller(2_147_483_645L).state()).isEqualTo(2_147_483_646L);
        assertThat(new ParkMiller(-1).state()).isEqualTo(2_147_483_646L);
        assertThat(new ParkMiller(Long.MIN_VALUE).state()).isBetween(1L, 2_147_483_646L);
        ParkMiller a = new ParkMiller(42);
        ParkMiller b = new ParkMiller(42);
        for (int i = 0; i < 100; i++) {
            double u = a.nextUniform();
            assertThat(u).isGreaterThan(0).isLessThan(1).isEqualTo(b.nextUniform());
        }
    }
}
