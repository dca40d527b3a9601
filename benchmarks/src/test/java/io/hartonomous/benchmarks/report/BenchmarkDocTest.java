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
}
