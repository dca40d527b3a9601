package io.hartonomous.cli;

import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./hart bench ingest}: end-to-end ingest against H2's own raw batch insert of the same rows, and model files
 * larger than the heap (each size in its own JVM with a small -Xmx).
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "End-to-end ingest vs raw H2 batch insert; models larger than the heap.")
final class IngestBenchCommand implements Callable<Integer> {
    private static final String MAIN = "io.hartonomous.benchmarks.ingest.IngestBench";

    @picocli.CommandLine.Option(names = "--dense-file-mb", defaultValue = "320",
            description = "Size of the dense model file (default ${DEFAULT-VALUE} MB).")
    int denseFileMb;

    @picocli.CommandLine.Option(names = "--dense-heap-mb", defaultValue = "256",
            description = "-Xmx for the dense model run (default ${DEFAULT-VALUE} MB).")
    int denseHeapMb;

    @Override
    public Integer call() throws Exception {
        Layout layout = Layout.current();
        String docs = BenchJvm.docs(layout);
        int exit = BenchJvm.run(layout, MAIN, List.of("-Xmx2g"), List.of("end-to-end", "--docs", docs));
        if (exit == 0) {
            exit = BenchJvm.run(layout, MAIN, List.of("-Xmx512m"), List.of("large-sparse", "--docs", docs));
        }
        if (exit == 0) {
            exit = BenchJvm.run(layout, MAIN, List.of("-Xmx" + denseHeapMb + "m"),
                    List.of("large-dense", "--mb", Integer.toString(denseFileMb), "--docs", docs));
        }
        return exit;
    }
}
