package io.hartonomous.cli;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Runs a main class of the benchmarks jar in its own JVM (its own heap limits and JIT state), output inherited. */
final class BenchJvm {
    private BenchJvm() {
    }

    static int run(Layout layout, String mainClass, List<String> jvmOptions, List<String> args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(layout.java().toString(), "--add-modules",
                "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-Dhart.root=" + layout.root(), "-cp", layout.benchmarksJar().toString(), mainClass));
        command.addAll(args);
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    static String docs(Layout layout) {
        return layout.root().resolve("docs" + File.separator + "benchmarks.md").toString();
    }
}
