package io.hartonomous.storage.contract.keys;

import java.util.List;
import java.util.Optional;

/** API keys, looked up by hash before the tenant is known (so not tenant-scoped). */
public interface ApiKeyStore {
    TenantApiKey create(NewApiKey key);

    Optional<TenantApiKey> findByHash(KeyHash hash);

    /** Marks the key revoked; false if there was no such key or it was already revoked. */
    boolean revoke(long keyId);

    List<TenantApiKey> list();
}
