package io.hartonomous.storage.engine.sqlserver;

import com.zaxxer.hikari.HikariConfig;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngineProvider;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.StorageException;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Pools, application intent and the provider, without a server. */
class ConnectionPoolsTest {
    private static final String URL = "jdbc:sqlserver://db.example:1433;databaseName=hart;encrypt=true";

    private static StorageConfig config(String url, boolean readIntent) {
        return new StorageConfig(url, "hart", "secret", 6, readIntent);
    }

    @Test
    void readIntentPoolsAskForReadOnlyAndOthersForReadWrite() {
        assertThat(ConnectionPools.url(config(URL, true))).isEqualTo(URL + ";applicationIntent=ReadOnly");
        assertThat(ConnectionPools.url(config(URL + ";", false))).isEqualTo(URL + ";applicationIntent=ReadWrite");
        assertThat(ConnectionPools.url(config(URL + ";ApplicationIntent = readonly", true)))
                .isEqualTo(URL + ";ApplicationIntent = readonly");
        assertThatThrownBy(() -> ConnectionPools.url(config(URL + ";applicationIntent=ReadWrite", true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read-intent");
        assertThatThrownBy(() -> ConnectionPools.url(config(URL + ";applicationIntent=ReadOnly", false)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hikariGetsTheConfigurationsCredentialsAndSize() {
        HikariConfig read = ConnectionPools.hikari(config(URL, true));
        assertThat(read.getJdbcUrl()).endsWith(";applicationIntent=ReadOnly");
        assertThat(read.getUsername()).isEqualTo("hart");
        assertThat(read.getPassword()).isEqualTo("secret");
        assertThat(read.getMaximumPoolSize()).isEqualTo(6);
        assertThat(read.getPoolName()).isEqualTo("hart-sqlserver-read");
        assertThat(read.isAutoCommit()).isTrue();
        assertThat(ConnectionPools.hikari(config(URL, false)).getPoolName()).isEqualTo("hart-sqlserver-write");
    }

    @Test
    void theProviderIsRegisteredAndServesSqlServerUrlsOnly() {
        SqlServerEngineProvider provider = new SqlServerEngineProvider();
        assertThat(provider.accepts(config(URL, false))).isTrue();
        assertThat(provider.accepts(config("JDBC:SQLSERVER://h", false))).isTrue();
        assertThat(provider.accepts(config("jdbc:h2:mem:x", false))).isFalse();
        assertThat(ServiceLoader.load(StorageEngineProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(SqlServerEngineProvider.class);
    }

    @Test
    void openingAnUnreachableServerFailsWithTheUrl() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String url = "jdbc:sqlserver://127.0.0.1:" + port + ";databaseName=hart;encrypt=false;loginTimeout=2";
        assertThatThrownBy(() -> {
            try (StorageEngine ignored = StorageEngines.open(config(url, false))) {
                // never reached
            }
        }).isInstanceOf(StorageException.class).hasMessageContaining("cannot connect to SQL Server at " + url);
    }
}
