package io.hartonomous.storage.contract;

import java.nio.file.Path;

/**
 * How to reach a storage tier. The JDBC URL picks the engine: {@code jdbc:h2:...} is the embedded engine,
 * {@code jdbc:sqlserver:...} SQL Server 2025. {@code readIntent} asks for a read-only pool (API on AG replicas).
 */
public record StorageConfig(String url, String user, String password, int maxPoolSize, boolean readIntent) {
    public static final String DEFAULT_USER = "hart";

    public StorageConfig {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("a storage URL is required");
        }
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be at least 1");
        }
    }

    /** The embedded engine in-process on a file database inside {@code dataDir}. */
    public static StorageConfig embeddedFile(Path dataDir) {
        return new StorageConfig("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("hart"), DEFAULT_USER, "", 8,
                false);
    }

    /** The configured URL if there is one, else the embedded engine's file database inside {@code dataDir}. */
    public static String urlOrEmbedded(java.util.Optional<String> url, Path dataDir) {
        return url.map(String::strip).filter(u -> !u.isEmpty()).orElseGet(() -> embeddedFile(dataDir).url());
    }

    /** The embedded engine served by {@code ./hart serve} (H2 TCP server) on this port. */
    public static StorageConfig embeddedServer(int port, Path dataDir) {
        return new StorageConfig("jdbc:h2:tcp://localhost:" + port + "/" + dataDir.toAbsolutePath().resolve("hart"),
                DEFAULT_USER, "", 8, false);
    }

    public StorageConfig withPoolSize(int size) {
        return new StorageConfig(url, user, password, size, readIntent);
    }

    @Override
    public String toString() {
        return "StorageConfig[url=" + url + ", user=" + user + ", maxPoolSize=" + maxPoolSize + "]";
    }
}
