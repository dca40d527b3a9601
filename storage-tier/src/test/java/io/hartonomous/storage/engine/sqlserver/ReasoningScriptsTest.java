package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.StorageException;
import io.hartonomous.storage.contract.reasoning.GenerationRequest;
import io.hartonomous.storage.contract.reasoning.GenerationStep;
import io.hartonomous.storage.contract.reasoning.PathHeuristic;
import io.hartonomous.storage.contract.reasoning.PathRequest;
import io.hartonomous.storage.contract.vectors.EmbeddingVector;
import io.hartonomous.storage.contract.vectors.SearchRequest;
import io.hartonomous.storage.engine.reasoning.ParkMiller;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What sql/083's path and generation procedures must share with the embedded engine, read from the script the
 * deployer applies: the Park–Miller constants and seed mapping (evaluated here with T-SQL's integer semantics), the
 * bounds, the heuristic names and the tie-breaking orders; and how the engine turns the procedure's rows into steps.
 */
class ReasoningScriptsTest {
    private static SqlCodeObjects sql;

    @BeforeAll
    static void read() {
        sql = SqlCodeObjects.read();
    }

    private static Pattern p(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    }

    @Test
    void theGenerationDrawsWhatParkMillerDraws() {
        String generate = sql.code("dbo.sp_GenerateWithAttention");
        assertThat(generate)
                .containsPattern(p("@State\\s+BIGINT\\s*=\\s*\\(\\(@Seed\\s*%\\s*2147483646\\)\\s*\\+\\s*2147483646\\)"
                        + "\\s*%\\s*2147483646\\s*\\+\\s*1"))
                .containsPattern(p("SET\\s+@State\\s*=\\s*@State\\s*\\*\\s*48271\\s*%\\s*2147483647"))
                .containsPattern(p("SET\\s+@Draw\\s*=\\s*CAST\\(@State AS FLOAT\\)\\s*/\\s*2147483647\\.0"));
        assertThat(ParkMiller.MULTIPLIER).isEqualTo(48271);
        assertThat(ParkMiller.MODULUS).isEqualTo(2147483647L);
        // The same statements with T-SQL's integer semantics (% truncates toward zero, as Java's does).
        for (long seed : new long[] {0, 1, -1, 35590, 2_147_483_645L, 2_147_483_646L, -2_147_483_647L,
                Long.MAX_VALUE, Long.MIN_VALUE + 1}) {
            long state = ((seed % 2147483646L) + 2147483646L) % 2147483646L + 1;
            ParkMiller java = new ParkMiller(seed);
            for (int i = 0; i < 5; i++) {
                state = state * 48271 % 2147483647L;
                assertThat(java.nextUniform()).as("seed " + seed).isEqualTo(state / 2147483647.0);
            }
        }
    }

    @Test
    void boundsAndOrdersAreTheEngines() {
        String generate = sql.code("dbo.sp_GenerateWithAttention");
        assertThat(generate)
                .contains("@Steps < 1 OR @Steps > " + GenerationRequest.MAX_STEPS)
                .contains("@K < 1 OR @K > " + SearchRequest.MAX_K)
                .contains("CAST(@Steps AS BIGINT) * @K > " + GenerationRequest.MAX_CANDIDATES)
                .contains("ROW_NUMBER() OVER (ORDER BY Similarity DESC, AtomId)")
                .contains("SUM(Weight) OVER (ORDER BY Ordinal ROWS UNBOUNDED PRECEDING)")
                .contains("WHERE @Draw < c.Cumulative")
                .contains("EXEC dbo.sp_HybridSearch")
                .contains("ORDER BY CASE WHEN e.TenantId IS NULL THEN 1 ELSE 0 END");
        String path = sql.code("dbo.sp_GenerateOptimalPath");
        assertThat(path)
                .contains("@K < 1 OR @K > " + SearchRequest.MAX_K)
                .contains("@MaxExpanded > " + PathRequest.MAX_EXPANDED)
                .contains("@MaxExpanded   INT = " + PathRequest.DEFAULT_MAX_EXPANDED)
                .contains("ORDER BY F, AtomId")
                .contains("ORDER BY d.Distance, n.AtomId")
                .contains("'" + PathHeuristic.EXACT.wireName() + "'")
                .contains("'" + PathHeuristic.NONE.wireName() + "'")
                .containsPattern(p("@Metric\\s+NOT IN\\s*\\('cosine',\\s*'euclidean'\\)"));
    }

    @Test
    void rowsBecomeStepsWithTheirChosenCandidate() {
        List<GenerationStep> steps = SqlServerReasoningStore.steps(List.of(
                new SqlServerReasoningStore.CandidateRow(1, 0.8, 10, 1.0, 0.6, false, -1.4),
                new SqlServerReasoningStore.CandidateRow(1, 0.8, 11, 0.0, 0.3, true, -1.4),
                new SqlServerReasoningStore.CandidateRow(1, 0.8, 12, -1.0, 0.1, false, -1.4),
                new SqlServerReasoningStore.CandidateRow(2, 0.4, 10, 0.9, 1.0, true, -0.1)));
        assertThat(steps).hasSize(2);
        assertThat(steps.get(0).atomId()).isEqualTo(11);
        assertThat(steps.get(0).logProbability()).isEqualTo(-1.4);
        assertThat(steps.get(0).draw()).isEqualTo(0.8);
        assertThat(steps.get(0).candidates()).hasSize(3);
        assertThat(steps.get(1).atomId()).isEqualTo(10);
        assertThat(steps.get(1).candidates()).hasSize(1);
        assertThatThrownBy(() -> SqlServerReasoningStore.steps(List.of(
                new SqlServerReasoningStore.CandidateRow(1, 0.8, 10, 1.0, 0.6, false, -1.4))))
                .isInstanceOf(StorageException.class).hasMessageContaining("0 chosen");
        String json = SqlServerReasoningStore.json(new float[] {1.5f, -2f});
        assertThat(json).startsWith("[1.5,-2.0,0.0,").endsWith(",0.0]");
        assertThat(json.split(",")).hasSize(EmbeddingVector.MAX_DIMENSION);
    }
}
