package io.hartonomous.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiBenchTest {
    @Test
    void parsesTheLineTheLoadScriptsPrint() {
        String out = """
                Running 30s test @ http://localhost:1234
                  2 threads and 8 connections
                HART requests=5871 errors=0 non2xx=0 seconds=30.012 rate=195.62 p50=1830 p90=2950 p99=8120 max=20417
                """;
        ApiBenchCommand.Figures f = ApiBenchCommand.parse(out);
        assertThat(f).isEqualTo(new ApiBenchCommand.Figures(5871, 0, 0, 30.012, 195.62, 1830, 2950, 8120, 20417));
        assertThat(ApiBenchCommand.parse("unable to connect")).isNull();
    }
}
