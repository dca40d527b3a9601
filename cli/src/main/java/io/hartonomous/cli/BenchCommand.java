package io.hartonomous.cli;

import picocli.CommandLine.Command;

/**
 * {@code ./hart bench NAME}: the benchmarks, each writing its figures into its own section of docs/benchmarks.md.
 * Not tests: run them on a quiet machine, read the figures, commit the document.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a benchmark and write its figures into docs/benchmarks.md.",
        subcommands = {BenchCommand.Kernels.class, IngestBenchCommand.class, SearchBenchCommand.class,
                ApiBenchCommand.class})
final class BenchCommand {

    /** JMH over every SIMD kernel and its scalar twin; extra arguments go to JMH (e.g. a benchmark regex). */
    @Command(name = "kernels", mixinStandardHelpOptions = true,
            description = "JMH: every SIMD kernel against its scalar twin (takes a while; pass a regex to narrow).")
    static final class Kernels implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.Parameters(arity = "0..*", paramLabel = "JMH-ARG")
        java.util.List<String> jmhArgs = new java.util.ArrayList<>();

        @Override
        public Integer call() throws Exception {
            Layout layout = Layout.current();
            java.nio.file.Path json = layout.root().resolve("benchmarks/target/jmh-results.json");
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("-rf", "json", "-rff",
                    json.toString()));
            args.addAll(jmhArgs);
            int exit = BenchJvm.run(layout, "org.openjdk.jmh.Main", java.util.List.of(), args);
            if (exit == 0) {
                System.out.println("JMH results in " + json + "; tables: python3 benchmarks/jmh-table.py " + json);
            }
            return exit;
        }
    }
}
