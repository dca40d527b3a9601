package io.hartonomous.ingest.atomize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/** Real third-party files fetched by {@code testdata/fetch} into {@code testdata/cache/} at the repository root. */
public final class TestData {
    private TestData() {
    }

    public static Path cache() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("testdata/fetch"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            fail("cannot find the repository root (no testdata/fetch above " + Path.of("").toAbsolutePath() + ")");
        }
        Path cache = dir.resolve("testdata/cache");
        if (!Files.exists(cache.resolve("MANIFEST.sha256"))) {
            fail("the test-data cache " + cache + " is missing: run testdata/fetch (./hart test does) first");
        }
        return cache;
    }

    public static Path file(String relative) {
        Path p = cache().resolve(relative);
        if (!Files.exists(p)) {
            fail(relative + " is missing from testdata/cache: run testdata/fetch (it may have skipped it for lack"
                    + " of a tool; see its output)");
        }
        return p;
    }

    public static List<Path> files(String relativeDir, String suffix) {
        try (Stream<Path> s = Files.list(file(relativeDir))) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
