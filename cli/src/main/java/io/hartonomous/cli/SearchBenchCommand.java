package io.hartonomous.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./hart bench search}: hybrid against exact search on the embedded engine (100k embeddings of 1998
 * dimensions), recall@10 and latency, plus the recall of each projection alternative; in its own JVM.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Hybrid vs exact search on 100k x 1998-d embeddings: recall@10, p50/p99, projections.")
final class SearchBenchCommand implements Callable<Integer> {
    private static final String MAIN = "io.hartonomous.benchmarks.search.SearchBench";

    @Option(names = "--embeddings", defaultValue = "100000", description = "Stored embeddings (default ${DEFAULT-VALUE}).")
    int embeddings;

    @Option(names = "--queries", defaultValue = "100", description = "Queries (default ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--heap-mb", defaultValue = "4096",
            description = "-Xmx of the bench JVM: the vectors in memory plus the engine's page cache (default ${DEFAULT-VALUE}).")
    int heapMb;

    @Override
    public Integer call() throws Exception {
        Layout layout = Layout.current();
        return BenchJvm.run(layout, MAIN, List.of("-Xmx" + heapMb + "m"), List.of("--embeddings",
                Integer.toString(embeddings), "--queries", Integer.toString(queries), "--docs", BenchJvm.docs(layout)));
    }
}
