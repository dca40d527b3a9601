package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.keys.ApiKeyStore;
import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.keys.KeyHash;
import io.hartonomous.storage.contract.keys.NewApiKey;
import io.hartonomous.storage.contract.keys.TenantApiKey;
import io.hartonomous.storage.engine.jdbc.ContractRows;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** API keys by SHA-256 hash. */
record EmbeddedApiKeyStore(UnitOfWork tx) implements ApiKeyStore {
    private static final String COLUMNS =
            "KeyId, TenantId, Name, KeyHash, Scopes, RateLimitPerMinute, ExpiresAt, RevokedAt, CreatedAt";

    @Override
    public TenantApiKey create(NewApiKey key) {
        return tx.inTransaction("create", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO TenantApiKeys (TenantId, Name, KeyHash, Scopes, "
                    + "RateLimitPerMinute, ExpiresAt) VALUES (?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, key.tenantId());
                ps.setString(2, key.name());
                ps.setBytes(3, key.keyHash().bytes());
                ps.setString(4, ContractRows.scopesText(key.scopes()));
                ps.setInt(5, key.rateLimitPerMinute());
                Rows.setInstant(ps, 6, key.expiresAt());
                ps.executeUpdate();
                long id = EmbeddedIngestWrites.generatedKey(ps);
                return byId(c, id);
            } catch (SQLException e) {
                if (H2Errors.isUniqueViolation(e)) {
                    throw new ConflictException("that key is already registered");
                }
                throw e;
            }
        });
    }

    private TenantApiKey byId(java.sql.Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM TenantApiKeys WHERE KeyId = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Rows.RECORDS.apiKey(rs);
            }
        }
    }

    @Override
    public Optional<TenantApiKey> findByHash(KeyHash hash) {
        return tx.read("findByHash", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM TenantApiKeys WHERE KeyHash = ?")) {
                ps.setBytes(1, hash.bytes());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Rows.RECORDS.apiKey(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean revoke(long keyId) {
        return tx.inTransaction("revoke", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE TenantApiKeys SET RevokedAt = CURRENT_TIMESTAMP "
                    + "WHERE KeyId = ? AND RevokedAt IS NULL")) {
                ps.setLong(1, keyId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<TenantApiKey> list() {
        return tx.read("list", c -> {
            List<TenantApiKey> keys = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM TenantApiKeys ORDER BY KeyId");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(Rows.RECORDS.apiKey(rs));
                }
            }
            return keys;
        });
    }
}
