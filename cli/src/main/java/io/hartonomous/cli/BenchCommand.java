package io.hartonomous.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code ./hart bench}: end-to-end figures for docs/benchmarks.md. */
@Command(name = "bench", description = "Run the end-to-end benchmarks and write docs/benchmarks.md.")
final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("bench: the end-to-end benchmarks arrive with the ingest pipeline; the kernel "
                + "benchmarks run with JMH (see docs/benchmarks.md)");
        return 2;
    }
}
