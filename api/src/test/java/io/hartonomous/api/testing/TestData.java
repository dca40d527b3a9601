package io.hartonomous.api.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Real third-party files fetched by {@code testdata/fetch} into {@code testdata/cache}. */
public final class TestData {
    private TestData() {
    }

    public static Path cache() {
        String override = System.getenv("HART_TESTDATA_CACHE");
        Path dir = override != null ? Path.of(override) : Path.of("..", "testdata", "cache").toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("test data is missing at " + dir + ": run testdata/fetch first");
        }
        return dir;
    }

    public static Path file(String relative) {
        Path file = cache().resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("test file " + file + " is missing: run testdata/fetch");
        }
        return file;
    }
}
