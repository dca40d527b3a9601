package io.hartonomous.api;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The API talks only to the storage tier: nothing under src/main may use the ingest tier. */
class ArchitectureTest {
    private static final Pattern INGEST = Pattern.compile("\\bio\\.hartonomous\\.ingest\\b");

    @Test
    void mainCodeNeverReferencesTheIngestTier() throws IOException {
        Path main = Path.of("src", "main");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(main)) {
            offenders = files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".java") || f.toString().endsWith(".properties"))
                    .filter(f -> {
                        try {
                            return INGEST.matcher(Files.readString(f)).find();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .map(Path::toString).toList();
        }
        assertThat(offenders).as("files under src/main that reference io.hartonomous.ingest").isEmpty();
        try (Stream<Path> files = Files.walk(main)) {
            assertThat(files.filter(f -> f.toString().endsWith(".java")).count()).isGreaterThan(10);
        }
    }

    @Test
    void theIngestTierIsATestDependencyOnly() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        int at = pom.indexOf("<artifactId>hart-ingest</artifactId>");
        if (at >= 0) {
            String rest = pom.substring(at, pom.indexOf("</dependency>", at));
            assertThat(rest).contains("<scope>test</scope>");
        }
    }
}
