package io.hartonomous.storage.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Finds the numbered scripts ({@code NNN_name.sql}) of a folder, in order. */
public final class ScriptSource {
    private static final Pattern NUMBERED = Pattern.compile("\\d{3}_[A-Za-z0-9_]+\\.sql");

    private ScriptSource() {
    }

    public static List<SchemaScript> fromDirectory(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new DeployException("script folder " + folder + " does not exist");
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<SchemaScript> scripts = new ArrayList<>();
            for (Path file : files.filter(f -> NUMBERED.matcher(f.getFileName().toString()).matches())
                    .sorted(Comparator.comparing(f -> f.getFileName().toString())).toList()) {
                scripts.add(new SchemaScript(file.getFileName().toString(),
                        Files.readString(file, StandardCharsets.UTF_8)));
            }
            if (scripts.isEmpty()) {
                throw new DeployException("no numbered NNN_name.sql scripts in " + folder);
            }
            return scripts;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read scripts in " + folder, e);
        }
    }

    /** Scripts packaged on the classpath under {@code folder} (e.g. "sql" or "embedded"), from a jar or a directory. */
    public static List<SchemaScript> fromClasspath(String folder) {
        URL marker = ScriptSource.class.getClassLoader().getResource(folder);
        if (marker == null) {
            throw new DeployException("no scripts packaged under '" + folder + "' on the classpath");
        }
        try {
            URI uri = marker.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                return fromDirectory(fs.getPath(folder));
            }
            return fromDirectory(Path.of(uri));
        } catch (URISyntaxException | IOException e) {
            throw new DeployException("cannot list packaged scripts under '" + folder + "': " + e.getMessage(), e);
        }
    }
}
