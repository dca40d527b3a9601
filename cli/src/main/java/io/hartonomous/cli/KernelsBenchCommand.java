package io.hartonomous.cli;

import io.hartonomous.storage.local.Machine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./hart bench kernels}: JMH over every SIMD kernel and its scalar twin. A full run writes the tables
 * (benchmarks/jmh-table.py) into the "kernels" section of docs/benchmarks.md; extra arguments go to JMH (e.g. a
 * benchmark regex) and then only the raw results are kept.
 */
@Command(name = "kernels", mixinStandardHelpOptions = true,
        description = "JMH: every SIMD kernel against its scalar twin (takes a while; pass a regex to narrow).")
final class KernelsBenchCommand implements Callable<Integer> {
    /** Everything after {@code kernels} goes to JMH as given, options included (e.g. {@code REGEX -p count=65536}). */
    @Unmatched
    List<String> jmhArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Layout layout = Layout.current();
        String loadBefore = Machine.loadAverage();
        Path json = layout.root().resolve("benchmarks/target/jmh-results.json");
        List<String> args = new ArrayList<>(List.of("-rf", "json", "-rff", json.toString()));
        args.addAll(jmhArgs);
        int exit = BenchJvm.run(layout, "org.openjdk.jmh.Main", List.of(), args);
        if (exit != 0) {
            return exit;
        }
        if (!jmhArgs.isEmpty()) {
            // A partial run: the document keeps its full tables.
            System.out.println("JMH results in " + json + "; tables: python3 benchmarks/jmh-table.py " + json);
            return 0;
        }
        Path tables = layout.root().resolve("benchmarks/target/jmh-tables.md");
        Process python = new ProcessBuilder("python3", layout.root().resolve("benchmarks/jmh-table.py").toString(),
                json.toString()).redirectOutput(tables.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (python.waitFor() != 0) {
            return 1;
        }
        String markdown = Files.readString(tables) + String.format("%nJMH: average time per operation, one fork, 3 x 1 s "
                + "warm-up, 5 x 1 s measurement; JDK %s, %d cores (%s); load average (1, 5, 15 min) before the run: "
                + "%s. `./hart bench kernels` regenerates this section.%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), Machine.cpu(), loadBefore);
        return BenchJvm.writeSection(layout, "kernels", markdown);
    }
}
