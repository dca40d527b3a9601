package io.hartonomous.api.security;

import io.hartonomous.api.storage.Writes;
import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.KeyHash;
import io.hartonomous.storage.contract.NewApiKey;
import io.hartonomous.storage.contract.Scope;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.TenantApiKey;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;

/**
 * The bootstrap admin key: {@code HART_API_KEY} if set, else the key in {@code ${hart.data}/api-key}, else a new one
 * written there (mode 0600). Its hash is registered for the bootstrap tenant with every scope, unless it already is
 * (the ingest tier does the same at its start, so a concurrent registration is expected and tolerated).
 */
@ApplicationScoped
public class BootstrapKey {
    private static final Logger LOG = Logger.getLogger(BootstrapKey.class);
    public static final String FILE_NAME = "api-key";

    private final StorageEngine storage;
    private final Optional<String> configured;
    private final Path dataDir;
    private final String tenant;
    private final int rateLimit;

    BootstrapKey(@Writes StorageEngine storage, @ConfigProperty(name = "hart.api.key") Optional<String> configured,
                 @ConfigProperty(name = "hart.data") String dataDir,
                 @ConfigProperty(name = "hart.api.bootstrap-tenant") String tenant,
                 @ConfigProperty(name = "hart.api.bootstrap-rate-limit") int rateLimit) {
        this.storage = storage;
        this.configured = configured.map(String::strip).filter(k -> !k.isEmpty());
        this.dataDir = Path.of(dataDir);
        this.tenant = tenant;
        this.rateLimit = rateLimit;
    }

    void onStart(@Observes StartupEvent event) {
        String key = configured.orElseGet(() -> readOrCreate(dataDir.resolve(FILE_NAME)));
        TenantApiKey registered = register(storage, key, tenant, rateLimit);
        if (!registered.usableAt(java.time.Instant.now())) {
            LOG.warnf("the bootstrap API key (id %d) is revoked or expired; admin calls need another admin key",
                    registered.keyId());
        }
    }

    /** Registers the key's hash unless it is registered already; a concurrent registration wins quietly. */
    static TenantApiKey register(StorageEngine storage, String key, String tenant, int rateLimit) {
        KeyHash hash = KeyHash.ofKey(key);
        Optional<TenantApiKey> existing = storage.apiKeys().findByHash(hash);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            TenantApiKey created = storage.apiKeys().create(new NewApiKey(tenant, "bootstrap", hash,
                    EnumSet.allOf(Scope.class), rateLimit, null));
            LOG.infof("registered the bootstrap API key (id %d) for tenant '%s'", created.keyId(), tenant);
            return created;
        } catch (ConflictException raced) {
            return storage.apiKeys().findByHash(hash).orElseThrow(() -> raced);
        }
    }

    /** The key in {@code file}, or a new one written there atomically with mode 0600. */
    static String readOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return read(file);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            String key = ApiKeys.generate();
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".api-key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
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
            LOG.infof("generated the bootstrap API key and wrote it to %s (mode 0600)", file.toAbsolutePath());
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the bootstrap API key at " + file, e);
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
