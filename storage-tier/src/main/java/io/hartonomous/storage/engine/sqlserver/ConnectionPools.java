package io.hartonomous.storage.engine.sqlserver;

import com.zaxxer.hikari.HikariConfig;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.engine.jdbc.HikariPools;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HikariCP settings for an engine. A configuration with {@code readIntent} gets {@code applicationIntent=ReadOnly},
 * so an Always On availability group listener can route the API's reads to a readable secondary; otherwise the pool
 * is read-write (ingest writes, the API's few writes). A URL that already names the other intent is refused rather
 * than silently overridden.
 */
final class ConnectionPools {
    private static final Pattern INTENT = Pattern.compile("(?i);\\s*applicationIntent\\s*=\\s*([^;]*)");

    private ConnectionPools() {
    }

    /** The JDBC URL with the application intent the configuration asks for. */
    static String url(StorageConfig config) {
        String url = config.url().strip();
        String wanted = config.readIntent() ? "ReadOnly" : "ReadWrite";
        Matcher existing = INTENT.matcher(url);
        if (existing.find()) {
            String given = existing.group(1).strip();
            if (!given.toLowerCase(Locale.ROOT).equals(wanted.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("the storage URL says applicationIntent=" + given + " but this pool is "
                        + (config.readIntent() ? "read-intent (API reads)" : "read-write")
                        + "; drop applicationIntent from the URL");
            }
            return url;
        }
        return (url.endsWith(";") ? url : url + ";") + "applicationIntent=" + wanted;
    }

    static HikariConfig hikari(StorageConfig config) {
        String poolName = config.readIntent() ? "hart-sqlserver-read" : "hart-sqlserver-write";
        HikariConfig hikari = HikariPools.config(config, url(config), poolName, Math.min(2, config.maxPoolSize()));
        // The procedures own their transactions; connections stay in auto-commit.
        hikari.setAutoCommit(true);
        return hikari;
    }
}
