package io.hartonomous.storage.engine.reasoning;

import io.hartonomous.storage.contract.vectors.Metric;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/** One attention step computed by hand: weights, the draw, the log-probability and the new context. */
class AttentionTest {
    @Test
    void aStepAsComputedByHand() {
        double[] similarities = {0.9, 0.5, 0.1};
        // exp((s - 0.9) / 0.5) = 1, e^-0.8 = 0.449329, e^-1.6 = 0.201897; their sum 1.651225.
        double[] weights = Attention.softmax(similarities, 0.5);
        assertThat(weights[0]).isCloseTo(0.605611, offset(1e-6));
        assertThat(weights[1]).isCloseTo(0.272118, offset(1e-6));
        assertThat(weights[2]).isCloseTo(0.122271, offset(1e-6));
        assertThat(weights[0] + weights[1] + weights[2]).isCloseTo(1.0, offset(1e-15));
        // Cumulative 0.6056, 0.8777, 1: u = 0.7 falls in the second candidate's share, 0.95 in the third's.
        assertThat(Attention.sample(weights, 0.7)).isEqualTo(1);
        assertThat(Attention.sample(weights, 0.6)).isEqualTo(0);
        assertThat(Attention.sample(weights, 0.95)).isEqualTo(2);
        assertThat(Attention.sample(weights, 1.0)).isEqualTo(2);
        // log p = (0.5 - 0.9) / 0.5 - ln(1 + e^-0.8 + e^-1.6) = -0.8 - 0.501518 = -1.301518.
        assertThat(Attention.logProbability(similarities, 0.5, 1)).isCloseTo(-1.301518, offset(1e-6))
                .isCloseTo(Math.log(weights[1]), offset(1e-12));
        float[] context = Attention.weightedMean(List.of(new float[] {1, 0}, new float[] {0, 1}, new float[] {1, 1}),
                weights);
        assertThat(context[0]).isCloseTo((float) (0.605611 + 0.122271), offset(1e-5f));
        assertThat(context[1]).isCloseTo((float) (0.272118 + 0.122271), offset(1e-5f));
    }

    @Test
    void lowTemperatureConcentratesAndLargeSimilaritiesDoNotOverflow() {
        double[] weights = Attention.softmax(new double[] {1000, 999, 0}, 0.01);
        assertThat(weights[0]).isCloseTo(1.0, offset(1e-12));
        assertThat(weights[2]).isZero();
        assertThat(Attention.similarity(Metric.COSINE, 0.25)).isEqualTo(0.75);
        assertThat(Attention.similarity(Metric.EUCLIDEAN, 2.0)).isEqualTo(-2.0);
        assertThat(Attention.similarity(Metric.DOT, -3.0)).isEqualTo(3.0);
    }
}
