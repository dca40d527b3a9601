package io.hartonomous.ingest.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;

/** Real third-party files fetched by {@code testdata/fetch} into {@code testdata/cache/}. */
final class TestFiles {
    private TestFiles() {
    }

    static Path get(String relative) {
        Path root = Path.of(System.getProperty("user.dir"));
        while (root != null && !Files.isDirectory(root.resolve("testdata"))) {
            root = root.getParent();
        }
        if (root == null) {
            throw new IllegalStateException("no testdata/ folder above " + System.getProperty("user.dir"));
        }
        Path file = root.resolve("testdata/cache").resolve(relative);
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " is missing: run testdata/fetch (./hart test does)");
        }
        return file;
    }
}
