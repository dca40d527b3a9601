package io.hartonomous.benchmarks.search;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RecallTest {
    @Test
    void recallIsTheShareOfTheTrueNeighboursFoundInAnyOrder() {
        long[] truth = {1, 2, 3, 4};
        assertThat(Recall.at(truth, List.of(4L, 3L, 2L, 1L))).isEqualTo(1.0);
        assertThat(Recall.at(truth, List.of(1L, 9L, 3L, 8L))).isEqualTo(0.5);
        assertThat(Recall.at(truth, List.of())).isZero();
        assertThat(Recall.mean(new double[] {1.0, 0.5})).isEqualTo(0.75);
    }

    @Test
    void percentilesAreNearestRank() {
        double[] values = new double[100];
        for (int i = 0; i < values.length; i++) {
            values[i] = 100 - i; // 1..100, unsorted
        }
        assertThat(Recall.percentile(values, 50)).isEqualTo(50.0);
        assertThat(Recall.percentile(values, 99)).isEqualTo(99.0);
        assertThat(Recall.percentile(values, 100)).isEqualTo(100.0);
        assertThat(Recall.percentile(new double[] {7}, 99)).isEqualTo(7.0);
    }

    @Test
    void syntheticVectorsAreAPureFunctionOfSeedAndIndexAndQueriesAreNotStoredOnes() {
        SyntheticEmbeddings a = new SyntheticEmbeddings(1);
        SyntheticEmbeddings b = new SyntheticEmbeddings(1);
        assertThat(a.vector(5)).containsExactly(b.vector(5));
        assertThat(a.vector(5)).hasSize(SyntheticEmbeddings.DIM).isNotEqualTo(a.vector(6));
        assertThat(a.query(0)).isNotEqualTo(a.vector(0));
        double norm = 0;
        for (float x : a.vector(3)) {
            norm += x * x;
        }
        assertThat(Math.sqrt(norm)).as("signal plus noise of norm ~3.5").isBetween(5.0, 30.0);
        assertThat(a.query(1)).containsExactly(b.query(1));
        assertThat(Recall.percentile(new double[] {1, 2}, 50)).isCloseTo(1.0, within(0.0));
    }
}
