package io.hartonomous.benchmarks.inference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBatchTest {
    @Test
    void everyRowIsTheSentenceUnmaskedInOneSegment() {
        TokenBatch batch = TokenBatch.of(TokenBatch.SENTENCE, 8);
        long[] s = TokenBatch.SENTENCE;
        long[] ones = new long[s.length];
        java.util.Arrays.fill(ones, 1);
        assertThat(batch.forInput("input_ids")).isDeepEqualTo(new long[][]{s, s, s, s, s, s, s, s});
        assertThat(batch.forInput("attention_mask")).hasNumberOfRows(8).contains(ones, org.assertj.core.data.Index.atIndex(7));
        for (long[] row : batch.forInput("attention_mask")) {
            assertThat(row).isEqualTo(ones);
        }
        for (long[] row : batch.forInput("token_type_ids")) {
            assertThat(row).hasSize(s.length).containsOnly(0L);
        }
    }

    @Test
    void rowsAreIndependentCopies() {
        TokenBatch batch = TokenBatch.of(TokenBatch.SENTENCE, 2);
        batch.ids()[0][1] = 7;
        assertThat(batch.ids()[1][1]).isEqualTo(1996L);
        assertThat(TokenBatch.SENTENCE[1]).isEqualTo(1996L);
    }

    @Test
    void unknownInputsAndEmptyBatchesAreRefused() {
        assertThatThrownBy(() -> TokenBatch.of(TokenBatch.SENTENCE, 1).forInput("pixel_values"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenBatch.of(TokenBatch.SENTENCE, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
