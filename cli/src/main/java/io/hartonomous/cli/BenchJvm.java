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

    /**
     * Replaces the section {@code name} of docs/benchmarks.md with {@code markdown}, through the benchmarks module's
     * BenchmarkDoc (the one implementation of the section markers).
     */
    static int writeSection(Layout layout, String name, String markdown) throws IOException, InterruptedException {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("hart-bench-" + name, ".md");
        try {
            java.nio.file.Files.writeString(file, markdown, java.nio.charset.StandardCharsets.UTF_8);
            return run(layout, "io.hartonomous.benchmarks.report.BenchmarkDoc", List.of(),
                    List.of(docs(layout), name, file.toString()));
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    static String docs(Layout layout) {
        return layout.root().resolve("docs" + File.separator + "benchmarks.md").toString();
    }
}
