package io.hartonomous.storage.engine;

import com.zaxxer.hikari.HikariDataSource;
import io.hartonomous.storage.contract.PoolStats;

/** Both engines pool with HikariCP; this reads its live figures (zeros before the pool has started). */
public final class HikariPoolStats {
    private HikariPoolStats() {
    }

    public static PoolStats of(HikariDataSource pool) {
        var bean = pool.getHikariPoolMXBean();
        if (bean == null) {
            return new PoolStats(0, 0, 0, pool.getMaximumPoolSize(), 0);
        }
        return new PoolStats(bean.getActiveConnections(), bean.getIdleConnections(), bean.getTotalConnections(),
                pool.getMaximumPoolSize(), bean.getThreadsAwaitingConnection());
    }
}
