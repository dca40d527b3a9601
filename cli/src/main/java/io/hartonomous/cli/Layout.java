package io.hartonomous.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the built pieces are, relative to the project root the launcher passes as {@code -Dhart.root}. */
record Layout(Path root, Path java) {

    static Layout current() {
        Path root = Path.of(System.getProperty("hart.root", ".")).toAbsolutePath().normalize();
        Path java = Path.of(System.getProperty("hart.java",
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        return new Layout(root, java);
    }

    Path ingestApp() {
        return require(root.resolve("ingest-tier/target/quarkus-app/quarkus-run.jar"));
    }

    Path apiApp() {
        return require(root.resolve("api/target/quarkus-app/quarkus-run.jar"));
    }

    /** The benchmarks module's shaded jar: JMH kernels and the end-to-end benchmark mains. */
    Path benchmarksJar() {
        return require(root.resolve("benchmarks/target/benchmarks.jar"));
    }

    /** The console's own classpath: it carries the storage tier, so the storage server runs from it. */
    String cliClasspath() {
        Path jar = require(root.resolve("cli/target/hart-cli.jar"));
        return jar + File.pathSeparator + root.resolve("cli/target/lib").toAbsolutePath() + File.separator + "*";
    }

    Path dataDir() {
        String configured = System.getenv("HART_DATA");
        return configured != null ? Path.of(configured).toAbsolutePath() : root.resolve("data");
    }

    private static Path require(Path path) {
        if (!Files.exists(path)) {
            throw new IllegalStateException(path + " is missing: run './hart build'");
        }
        return path;
    }
}
