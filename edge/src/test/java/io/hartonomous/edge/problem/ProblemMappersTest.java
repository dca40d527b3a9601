package io.hartonomous.edge.problem;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemMappersTest {
    @Test
    void unexpectedFailuresAreGenericAndCarryAnErrorIdButNoInternals() {
        var response = new ProblemMappers().unexpected(new IllegalStateException("jdbc:h2:file:/secret/path"), null);
        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(response.getMediaType().toString()).isEqualTo("application/problem+json");
        Problem problem = (Problem) response.getEntity();
        assertThat(problem.detail()).doesNotContain("secret").contains(problem.errorId());
        assertThat(problem.errorId()).matches("[0-9a-f-]{36}");
    }
}
