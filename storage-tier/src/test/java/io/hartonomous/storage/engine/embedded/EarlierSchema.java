package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.deploy.Dialect;
import io.hartonomous.storage.deploy.SchemaDeployer;
import io.hartonomous.storage.deploy.SchemaScript;
import io.hartonomous.storage.deploy.ScriptSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/** A database as an earlier release left it, for migration tests: the embedded scripts before one, deployed. */
final class EarlierSchema {
    private EarlierSchema() {
    }

    /** Deploys the scripts named below {@code firstMissing} (e.g. "090") and returns a connection to the database. */
    static Connection before(StorageConfig config, String firstMissing) throws SQLException {
        List<SchemaScript> earlier = ScriptSource.fromClasspath("embedded").stream()
                .filter(s -> s.name().compareTo(firstMissing) < 0).toList();
        Connection c = DriverManager.getConnection(config.url(), config.user(), config.password());
        try {
            new SchemaDeployer(Dialect.H2).deploy(c, earlier);
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }
}
