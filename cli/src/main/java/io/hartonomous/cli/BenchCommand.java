package io.hartonomous.cli;

import picocli.CommandLine.Command;

/**
 * {@code ./hart bench NAME}: the benchmarks, each writing its figures into its own section of docs/benchmarks.md.
 * Not tests: run them on a quiet machine, read the figures, commit the document.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark and write its figures into docs/benchmarks.md.",
        subcommands = {KernelsBenchCommand.class, IngestBenchCommand.class, SearchBenchCommand.class,
                ApiBenchCommand.class, ScaleBenchCommand.class, InferenceBenchCommand.class,
                ReasoningBenchCommand.class})
final class BenchCommand {
}
