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
import java.util.Set;

/** A database as an earlier release left it, for migration tests: the embedded scripts before one, deployed. */
final class EarlierSchema {
    private EarlierSchema() {
    }

    /** Deploys the scripts named below {@code firstMissing} (e.g. "090") and returns a connection to the database. */
    static Connection before(StorageConfig config, String firstMissing) throws SQLException {
        return deploy(config, ScriptSource.fromClasspath("embedded").stream()
                .filter(s -> s.name().compareTo(firstMissing) < 0).toList());
    }

    /**
     * Deploys every script but those whose names start with one of {@code missing} (e.g. "140", "145"): a database
     * of a release that had the later scripts but not these.
     */
    static Connection without(StorageConfig config, Set<String> missing) throws SQLException {
        return deploy(config, ScriptSource.fromClasspath("embedded").stream()
                .filter(s -> missing.stream().noneMatch(s.name()::startsWith)).toList());
    }

    private static Connection deploy(StorageConfig config, List<SchemaScript> earlier) throws SQLException {
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
