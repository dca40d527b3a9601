package io.hartonomous.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * docs/benchmarks.md is prose written by people around sections written by {@code ./hart bench}: each bench replaces
 * only its own section, between {@code <!-- bench:NAME -->} and {@code <!-- /bench:NAME -->}, so a rerun updates the
 * figures and keeps the text. A section that is not there yet is appended.
 */
public final class BenchmarkDoc {
    private BenchmarkDoc() {
    }

    public static void replaceSection(Path doc, String name, String markdown) throws IOException {
        String start = "<!-- bench:" + name + " -->";
        String end = "<!-- /bench:" + name + " -->";
        String block = start + "\n" + markdown.strip() + "\n" + end;
        String text = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "# Benchmarks\n";
        int from = text.indexOf(start);
        int to = text.indexOf(end);
        String updated;
        if (from >= 0 && to > from) {
            updated = text.substring(0, from) + block + text.substring(to + end.length());
        } else {
            updated = text.stripTrailing() + "\n\n" + block + "\n";
        }
        Path tmp = doc.resolveSibling(doc.getFileName() + ".tmp");
        Files.writeString(tmp, updated, StandardCharsets.UTF_8);
        Files.move(tmp, doc, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@code BenchmarkDoc DOC NAME MARKDOWN-FILE}: writes a section from a file (used for the JMH tables). */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: BenchmarkDoc DOC NAME MARKDOWN-FILE");
            System.exit(2);
        }
        replaceSection(Path.of(args[0]), args[1], Files.readString(Path.of(args[2]), StandardCharsets.UTF_8));
    }
}
