package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.keys.ApiKeyStore;
import io.hartonomous.storage.contract.keys.KeyHash;
import io.hartonomous.storage.contract.keys.NewApiKey;
import io.hartonomous.storage.contract.keys.TenantApiKey;

import io.hartonomous.storage.engine.jdbc.ContractRows;

import java.util.List;
import java.util.Optional;

/**
 * API keys through sql/075, by SHA-256 hash. Keys are looked up before any tenant is known, so these procedures
 * take the tenant as data and the session carries none.
 */
record SqlServerApiKeyStore(Session session) implements ApiKeyStore {
    @Override
    public TenantApiKey create(NewApiKey key) {
        return session.single(Procedures.CREATE_API_KEY, call -> call.setString("TenantId", key.tenantId())
                .setString("Name", key.name())
                .setBytes("KeyHash", key.keyHash().bytes())
                .setString("Scopes", ContractRows.scopesText(key.scopes()))
                .setInt("RateLimitPerMinute", key.rateLimitPerMinute())
                .setInstant("ExpiresAt", key.expiresAt()), SqlRows.RECORDS::apiKey);
    }

    @Override
    public Optional<TenantApiKey> findByHash(KeyHash hash) {
        return session.one(Procedures.FIND_API_KEY_BY_HASH, call -> call.setBytes("KeyHash", hash.bytes()),
                SqlRows.RECORDS::apiKey);
    }

    @Override
    public boolean revoke(long keyId) {
        return session.single(Procedures.REVOKE_API_KEY, call -> call.setLong("KeyId", keyId),
                rs -> rs.getBoolean("Revoked"));
    }

    @Override
    public List<TenantApiKey> list() {
        return session.list(Procedures.LIST_API_KEYS, call -> { }, SqlRows.RECORDS::apiKey);
    }
}
