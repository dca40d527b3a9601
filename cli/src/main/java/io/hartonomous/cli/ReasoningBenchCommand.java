package io.hartonomous.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./hart bench reasoning} (issue 13): A* against Dijkstra over the k-NN graph (nodes expanded, same cost) and
 * attention generation steps per second, on a fresh embedded database, in a JVM of its own.
 */
@Command(name = "reasoning", mixinStandardHelpOptions = true,
        description = "A* vs Dijkstra over the k-NN graph (nodes expanded) and generation steps/s.")
final class ReasoningBenchCommand implements Callable<Integer> {
    private static final String PATHS = "io.hartonomous.benchmarks.reasoning.PathGenerationBench";

    @Option(names = "--embeddings", defaultValue = "10000", description = "Stored embeddings (default ${DEFAULT-VALUE}).")
    int embeddings;

    @Option(names = "--dimension", defaultValue = "32", description = "Their dimension (default ${DEFAULT-VALUE}).")
    int dimension;

    @Option(names = "--pairs", defaultValue = "20", description = "Random path pairs (default ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--steps", defaultValue = "50", description = "Steps per generation (default ${DEFAULT-VALUE}).")
    int steps;

    @Override
    public Integer call() throws Exception {
        Layout layout = Layout.current();
        return BenchJvm.run(layout, PATHS, List.of("-Xmx2g"), List.of("--embeddings", Integer.toString(embeddings),
                "--dimension", Integer.toString(dimension), "--pairs", Integer.toString(pairs), "--steps",
                Integer.toString(steps), "--docs", BenchJvm.docs(layout)));
    }
}
