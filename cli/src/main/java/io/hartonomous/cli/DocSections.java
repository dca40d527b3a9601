package io.hartonomous.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The console's twin of the benchmarks module's BenchmarkDoc, for the benches that run in the console itself
 * ({@code ./hart bench api}): replaces only the section between {@code <!-- bench:NAME -->} and
 * {@code <!-- /bench:NAME -->} of docs/benchmarks.md, appending it if absent.
 */
final class DocSections {
    private DocSections() {
    }

    static void replace(Path doc, String name, String markdown) throws IOException {
        String start = "<!-- bench:" + name + " -->";
        String end = "<!-- /bench:" + name + " -->";
        String block = start + "\n" + markdown.strip() + "\n" + end;
        String text = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "# Benchmarks\n";
        int from = text.indexOf(start);
        int to = text.indexOf(end);
        String updated = from >= 0 && to > from
                ? text.substring(0, from) + block + text.substring(to + end.length())
                : text.stripTrailing() + "\n\n" + block + "\n";
        Path tmp = doc.resolveSibling(doc.getFileName() + ".tmp");
        Files.writeString(tmp, updated, StandardCharsets.UTF_8);
        Files.move(tmp, doc, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
