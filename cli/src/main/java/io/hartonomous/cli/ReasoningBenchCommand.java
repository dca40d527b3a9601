package io.hartonomous.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./hart bench reasoning} (issue 13), DBSCAN part: concept discovery with hybrid neighbourhood search on 100k
 * embeddings against brute-force DBSCAN (an exact scan per point) on a 10k sample, same clusters required; in its
 * own JVM.
 */
@Command(name = "reasoning", mixinStandardHelpOptions = true,
        description = "DBSCAN concept discovery: hybrid neighbourhoods on 100k embeddings vs brute force on 10k.")
final class ReasoningBenchCommand implements Callable<Integer> {
    private static final String DBSCAN = "io.hartonomous.benchmarks.reasoning.DbscanBench";

    @Option(names = "--embeddings", defaultValue = "100000",
            description = "Points of the hybrid run (default ${DEFAULT-VALUE}).")
    int embeddings;

    @Option(names = "--sample", defaultValue = "10000",
            description = "Points of the brute-force run and of its hybrid twin (default ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = "--heap-mb", defaultValue = "3072",
            description = "-Xmx of the bench JVM (default ${DEFAULT-VALUE}).")
    int heapMb;

    @Override
    public Integer call() throws Exception {
        Layout layout = Layout.current();
        return BenchJvm.run(layout, DBSCAN, List.of("-Xmx" + heapMb + "m"), List.of("--embeddings",
                Integer.toString(embeddings), "--sample", Integer.toString(sample), "--docs", BenchJvm.docs(layout)));
    }
}
