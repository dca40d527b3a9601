package io.hartonomous.storage.engine.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.hartonomous.storage.contract.PoolStats;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.TenantStores;
import io.hartonomous.storage.contract.Tenants;
import io.hartonomous.storage.contract.graph.ProvenanceFeed;
import io.hartonomous.storage.contract.keys.ApiKeyStore;
import io.hartonomous.storage.contract.operations.MessageQueue;

import java.sql.ResultSet;
import java.sql.Statement;

/**
 * What both JDBC engines are made of: a HikariCP pool ({@link HikariPools}), an engine-wide unit of work, and the
 * engine-wide stores (queue, provenance feed, API keys). This class owns the tenant check, reachability, pool figures
 * and closing; an engine adds its tenant stores and the engine-wide reads it answers with its own SQL.
 */
public abstract class JdbcStorageEngine implements StorageEngine {
    private final HikariDataSource pool;
    private final UnitOfWork engineWide;
    private final MessageQueue queue;
    private final ProvenanceFeed provenanceFeed;
    private final ApiKeyStore apiKeys;

    protected JdbcStorageEngine(HikariDataSource pool, UnitOfWork engineWide, MessageQueue queue,
                                ProvenanceFeed provenanceFeed, ApiKeyStore apiKeys) {
        this.pool = pool;
        this.engineWide = engineWide;
        this.queue = queue;
        this.provenanceFeed = provenanceFeed;
        this.apiKeys = apiKeys;
    }

    /** The stores of one (valid) tenant. */
    protected abstract TenantStores storesFor(String tenantId);

    @Override
    public final TenantStorage forTenant(String tenantId) {
        return storesFor(Tenants.requireValid(tenantId));
    }

    @Override
    public final MessageQueue queue() {
        return queue;
    }

    @Override
    public final ProvenanceFeed provenanceFeed() {
        return provenanceFeed;
    }

    @Override
    public final ApiKeyStore apiKeys() {
        return apiKeys;
    }

    @Override
    public final PoolStats poolStats() {
        return HikariPools.stats(pool);
    }

    @Override
    public final boolean isReachable() {
        try {
            return engineWide.read("reachability", c -> {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                    return rs.next();
                }
            });
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public final void close() {
        pool.close();
    }
}
