package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.keys.ApiKeyStore;
import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.keys.KeyHash;
import io.hartonomous.storage.contract.keys.NewApiKey;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.keys.TenantApiKey;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** API keys by SHA-256 hash. */
final class EmbeddedApiKeyStore implements ApiKeyStore {
    private static final String COLUMNS =
            "KeyId, TenantId, Name, KeyHash, Scopes, RateLimitPerMinute, ExpiresAt, RevokedAt, CreatedAt";

    private final Transactions tx;

    EmbeddedApiKeyStore(Transactions tx) {
        this.tx = tx;
    }

    @Override
    public TenantApiKey create(NewApiKey key) {
        return tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO TenantApiKeys (TenantId, Name, KeyHash, Scopes, "
                    + "RateLimitPerMinute, ExpiresAt) VALUES (?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, key.tenantId());
                ps.setString(2, key.name());
                ps.setBytes(3, key.keyHash().bytes());
                ps.setString(4, key.scopes().stream().map(Scope::wireName).sorted().collect(Collectors.joining(",")));
                ps.setInt(5, key.rateLimitPerMinute());
                Rows.setInstant(ps, 6, key.expiresAt());
                ps.executeUpdate();
                long id = EmbeddedIngestWrites.generatedKey(ps);
                return byId(c, id);
            } catch (SQLException e) {
                if (Transactions.isUniqueViolation(e)) {
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
                return key(rs);
            }
        }
    }

    private static TenantApiKey key(ResultSet rs) throws SQLException {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        Arrays.stream(rs.getString(5).split(",")).filter(s -> !s.isBlank()).map(Scope::parse).forEach(scopes::add);
        return new TenantApiKey(rs.getLong(1), rs.getString(2), rs.getString(3), KeyHash.wrap(rs.getBytes(4)), scopes,
                rs.getInt(6), Rows.instant(rs, 7), Rows.instant(rs, 8), Rows.instant(rs, 9));
    }

    @Override
    public Optional<TenantApiKey> findByHash(KeyHash hash) {
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM TenantApiKeys WHERE KeyHash = ?")) {
                ps.setBytes(1, hash.bytes());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(key(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean revoke(long keyId) {
        return tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE TenantApiKeys SET RevokedAt = CURRENT_TIMESTAMP "
                    + "WHERE KeyId = ? AND RevokedAt IS NULL")) {
                ps.setLong(1, keyId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<TenantApiKey> list() {
        return tx.read(c -> {
            List<TenantApiKey> keys = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM TenantApiKeys ORDER BY KeyId");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(key(rs));
                }
            }
            return keys;
        });
    }
}
