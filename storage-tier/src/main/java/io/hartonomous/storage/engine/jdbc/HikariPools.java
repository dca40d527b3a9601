package io.hartonomous.storage.engine.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hartonomous.storage.contract.PoolStats;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageException;

import java.sql.Connection;
import java.sql.SQLException;

/** Both engines pool with HikariCP: the settings they share, opening a checked pool, and its live figures. */
public final class HikariPools {
    /** What an engine checks on its first connection before it takes the pool (deploy the schema, probe for it). */
    @FunctionalInterface
    public interface PoolCheck {
        void check(Connection connection) throws SQLException;
    }

    private HikariPools() {
    }

    /** The settings both engines share; the engine adds the rest (auto-commit, URL options). */
    public static HikariConfig config(StorageConfig config, String url, String poolName, int minimumIdle) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(url);
        hikari.setUsername(config.user());
        hikari.setPassword(config.password() == null ? "" : config.password());
        hikari.setMaximumPoolSize(config.maxPoolSize());
        hikari.setMinimumIdle(minimumIdle);
        hikari.setPoolName(poolName);
        hikari.setConnectionTimeout(30_000);
        return hikari;
    }

    /**
     * Starts the pool and runs {@code check} on one connection; a pool that cannot start or whose check fails is
     * closed, and the failure comes out as a StorageException: {@code cannotOpen} / {@code cannotCheck} say what,
     * followed by the innermost cause's message (a StorageException the check throws comes out as it is).
     */
    public static HikariDataSource open(HikariConfig config, String cannotOpen, PoolCheck check, String cannotCheck) {
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StorageException(cannotOpen + ": " + ErrorMessages.rootMessage(e), e);
        }
        try (Connection connection = pool.getConnection()) {
            check.check(connection);
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw e instanceof StorageException se ? se
                    : new StorageException(cannotCheck + ": " + ErrorMessages.rootMessage(e), e);
        }
        return pool;
    }

    /** The pool's live figures (zeros before it has started). */
    public static PoolStats stats(HikariDataSource pool) {
        var bean = pool.getHikariPoolMXBean();
        if (bean == null) {
            return new PoolStats(0, 0, 0, pool.getMaximumPoolSize(), 0);
        }
        return new PoolStats(bean.getActiveConnections(), bean.getIdleConnections(), bean.getTotalConnections(),
                pool.getMaximumPoolSize(), bean.getThreadsAwaitingConnection());
    }
}
