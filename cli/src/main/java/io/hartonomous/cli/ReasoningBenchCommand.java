package io.hartonomous.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./hart bench reasoning} (issue 13), on fresh embedded databases, each part in a JVM of its own: A* against
 * Dijkstra over the k-NN graph (nodes expanded, same cost) and attention generation steps per second; then DBSCAN
 * concept discovery with hybrid neighbourhood search on 100k embeddings against brute-force DBSCAN (an exact scan
 * per point) on a 10k sample, same clusters required.
 */
@Command(name = "reasoning", mixinStandardHelpOptions = true,
        description = "A* vs Dijkstra over the k-NN graph, generation steps/s, and DBSCAN with hybrid neighbourhoods "
                + "on 100k embeddings vs brute force on 10k.")
final class ReasoningBenchCommand implements Callable<Integer> {
    private static final String PATHS = "io.hartonomous.benchmarks.reasoning.PathGenerationBench";
    private static final String DBSCAN = "io.hartonomous.benchmarks.reasoning.DbscanBench";

    @Option(names = "--path-embeddings", defaultValue = "10000",
            description = "Stored embeddings of the path and generation part (default ${DEFAULT-VALUE}).")
    int pathEmbeddings;

    @Option(names = "--dimension", defaultValue = "32",
            description = "Their dimension (default ${DEFAULT-VALUE}).")
    int dimension;

    @Option(names = "--pairs", defaultValue = "20", description = "Random path pairs (default ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--steps", defaultValue = "50", description = "Steps per generation (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--embeddings", defaultValue = "100000",
            description = "Points of the hybrid DBSCAN run (default ${DEFAULT-VALUE}).")
    int embeddings;

    @Option(names = "--sample", defaultValue = "10000",
            description = "Points of the brute-force DBSCAN run and of its hybrid twin (default ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = "--heap-mb", defaultValue = "3072",
            description = "-Xmx of the DBSCAN bench JVM (default ${DEFAULT-VALUE}).")
    int heapMb;

    @Override
    public Integer call() throws Exception {
        Layout layout = Layout.current();
        int exit = BenchJvm.run(layout, PATHS, List.of("-Xmx2g"), List.of("--embeddings",
                Integer.toString(pathEmbeddings), "--dimension", Integer.toString(dimension), "--pairs",
                Integer.toString(pairs), "--steps", Integer.toString(steps), "--docs", BenchJvm.docs(layout)));
        if (exit != 0) {
            return exit;
        }
        return BenchJvm.run(layout, DBSCAN, List.of("-Xmx" + heapMb + "m"), List.of("--embeddings",
                Integer.toString(embeddings), "--sample", Integer.toString(sample), "--docs", BenchJvm.docs(layout)));
    }
}
