package io.hartonomous.storage.local;

import io.hartonomous.storage.contract.StorageConfig;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a process on one machine finds the embedded engine when no storage URL is configured: a file database in
 * the data folder, or the H2 TCP server that {@code ./hart serve} runs. The H2 URL syntax lives here, not in the
 * contract, which only knows that a URL picks an engine.
 */
public final class LocalStorage {
    public static final String DEFAULT_USER = "hart";
    private static final int DEFAULT_POOL = 8;

    private LocalStorage() {
    }

    /** The embedded engine in-process on a file database inside {@code dataDir}. */
    public static StorageConfig embeddedFile(Path dataDir) {
        return new StorageConfig("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("hart"), DEFAULT_USER, "",
                DEFAULT_POOL, false);
    }

    /** The configured URL if there is one, else the embedded engine's file database inside {@code dataDir}. */
    public static String urlOrEmbedded(Optional<String> url, Path dataDir) {
        return url.map(String::strip).filter(u -> !u.isEmpty()).orElseGet(() -> embeddedFile(dataDir).url());
    }

    /** The embedded engine served by {@code ./hart serve} (H2 TCP server) on this port. */
    public static StorageConfig embeddedServer(int port, Path dataDir) {
        return new StorageConfig("jdbc:h2:tcp://localhost:" + port + "/" + dataDir.toAbsolutePath().resolve("hart"),
                DEFAULT_USER, "", DEFAULT_POOL, false);
    }
}
