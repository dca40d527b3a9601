package io.hartonomous.storage.local;

import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.keys.ApiKeyStore;
import io.hartonomous.storage.contract.keys.KeyHash;
import io.hartonomous.storage.contract.keys.NewApiKey;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.keys.TenantApiKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The bootstrap admin key, shared by every process that may start first (ingest tier, API, operator console):
 * {@code HART_API_KEY} if set, else the key kept in {@code <data>/api-key}, else a new one written there (0600).
 * Key material is {@code hk_} + 48 hex digits (192 random bits); only its SHA-256 is ever stored.
 */
public final class BootstrapKeys {
    public static final String FILE_NAME = "api-key";
    public static final String PREFIX = "hk_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private BootstrapKeys() {
    }

    public static String generate() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return PREFIX + HexFormat.of().formatHex(bytes);
    }

    /** The configured key if there is one, else the key kept in (or newly written to) the data folder. */
    public static String resolve(Optional<String> configured, Path dataDir) {
        return configured.map(String::strip).filter(k -> !k.isEmpty())
                .orElseGet(() -> readOrCreate(dataDir.resolve(FILE_NAME)));
    }

    /** The key in {@code file}, or a new one written there atomically with mode 0600. */
    public static String readOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return read(file);
            }
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            String key = generate();
            Path tmp = ownerOnlyTempFile(dir);
            try {
                Files.writeString(tmp, key + "\n", StandardCharsets.UTF_8);
                try {
                    Files.createLink(file, tmp); // atomic, and fails if another process got there first
                } catch (FileAlreadyExistsException lost) {
                    return read(file);
                } catch (UnsupportedOperationException | IOException noLinks) {
                    if (Files.exists(file)) {
                        return read(file);
                    }
                    Files.move(tmp, file);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the bootstrap API key at " + file, e);
        }
    }

    /**
     * Registers the key's hash for {@code tenant} with every scope unless it is registered already; a concurrent
     * registration by another tier wins quietly. Returns the registered key.
     */
    public static TenantApiKey register(ApiKeyStore keys, String key, String tenant, int rateLimitPerMinute) {
        KeyHash hash = KeyHash.ofKey(key);
        Optional<TenantApiKey> existing = keys.findByHash(hash);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            return keys.create(new NewApiKey(tenant, "bootstrap", hash, EnumSet.allOf(Scope.class),
                    rateLimitPerMinute, null));
        } catch (ConflictException raced) {
            return keys.findByHash(hash).orElseThrow(() -> raced);
        }
    }

    private static Path ownerOnlyTempFile(Path dir) throws IOException {
        try {
            return Files.createTempFile(dir, ".api-key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            return Files.createTempFile(dir, ".api-key", ".tmp"); // the data folder's own permissions apply
        }
    }

    private static String read(Path file) throws IOException {
        String key = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (key.isEmpty()) {
            throw new IOException(file + " is empty; delete it to generate a new key or set HART_API_KEY");
        }
        return key;
    }
}
