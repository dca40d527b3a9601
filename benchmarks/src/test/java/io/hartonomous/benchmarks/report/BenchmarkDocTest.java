package io.hartonomous.benchmarks.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class BenchmarkDocTest {
    @Test
    void aSectionIsAppendedOnceThenReplacedInPlaceKeepingTheProse(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("benchmarks.md");
        Files.writeString(doc, "# Benchmarks\n\nProse before.\n");
        BenchmarkDoc.replaceSection(doc, "ingest", "| a | 1 |");
        Files.writeString(doc, Files.readString(doc) + "\nProse after.\n");
        BenchmarkDoc.replaceSection(doc, "search", "| s | 9 |");
        BenchmarkDoc.replaceSection(doc, "ingest", "| a | 2 |\n");
        assertThat(Files.readString(doc)).isEqualTo("""
                # Benchmarks

                Prose before.

                <!-- bench:ingest -->
                | a | 2 |
                <!-- /bench:ingest -->

                Prose after.

                <!-- bench:search -->
                | s | 9 |
                <!-- /bench:search -->
                """);
    }

    /** Also the path the console's benches take (./hart bench api and kernels write through this class). */
    @Test
    void replacesOnlyItsOwnSection(@TempDir Path dir) throws Exception {
        Path doc = dir.resolve("benchmarks.md");
        Files.writeString(doc, "# Benchmarks\n\nProse.\n\n<!-- bench:api -->\nold\n<!-- /bench:api -->\n\nMore prose.\n");
        Path figures = dir.resolve("figures.md");
        Files.writeString(figures, "new figures");
        BenchmarkDoc.main(new String[] {doc.toString(), "api", figures.toString()});
        BenchmarkDoc.replaceSection(doc, "other", "appended");
        assertThat(Files.readString(doc)).isEqualTo("# Benchmarks\n\nProse.\n\n<!-- bench:api -->\nnew figures\n"
                + "<!-- /bench:api -->\n\nMore prose.\n\n<!-- bench:other -->\nappended\n<!-- /bench:other -->\n");
    }
}
