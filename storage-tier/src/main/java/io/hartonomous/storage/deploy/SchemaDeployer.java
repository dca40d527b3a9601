package io.hartonomous.storage.deploy;

import com.microsoft.sqlserver.jdbc.SQLServerException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies numbered scripts in order and records each in a schema-history table with its checksum. An applied script
 * that has since changed is refused: scripts are append-only, a change is a new script. Each batch runs on its own
 * (scripts are idempotent, so a failed deployment can simply be run again once fixed).
 */
public final class SchemaDeployer {
    private final Dialect dialect;

    public SchemaDeployer(Dialect dialect) {
        this.dialect = dialect;
    }

    public DeployPlan plan(Connection connection, List<SchemaScript> scripts) {
        Map<String, String> applied = appliedChecksums(connection);
        List<DeployPlan.Step> steps = new ArrayList<>();
        for (SchemaScript script : scripts) {
            String recorded = applied.get(script.name());
            int batches = BatchSplitter.split(script).size();
            if (recorded == null) {
                steps.add(new DeployPlan.Step(script, DeployPlan.Action.APPLY, batches));
            } else if (recorded.equals(script.checksum())) {
                steps.add(new DeployPlan.Step(script, DeployPlan.Action.UP_TO_DATE, batches));
            } else {
                throw new DeployException("script " + script.name() + " was applied with checksum " + recorded
                        + " but now has " + script.checksum()
                        + ": applied scripts must not change; put the change in a new, higher-numbered script");
            }
        }
        return new DeployPlan(steps);
    }

    /** Applies what the plan says; returns the plan that was carried out. */
    public DeployPlan deploy(Connection connection, List<SchemaScript> scripts) {
        ensureHistoryTable(connection);
        DeployPlan plan = plan(connection, scripts);
        for (DeployPlan.Step step : plan.toApply()) {
            apply(connection, step.script());
        }
        return plan;
    }

    private void apply(Connection connection, SchemaScript script) {
        List<ScriptBatch> batches = BatchSplitter.split(script);
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            throw new DeployException("cannot switch to auto-commit: " + e.getMessage(), e);
        }
        for (ScriptBatch batch : batches) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(batch.sql());
                drainResults(statement);
            } catch (SQLException e) {
                throw new DeployException(describeFailure(batch, e), e);
            }
        }
        String record = "INSERT INTO " + dialect.historyTable() + " (ScriptName, Checksum, Batches) VALUES (?, ?, ?)";
        try (PreparedStatement ps = connection.prepareStatement(record)) {
            ps.setString(1, script.name());
            ps.setString(2, script.checksum());
            ps.setInt(3, batches.size());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new DeployException("script " + script.name() + " ran but could not be recorded: " + e.getMessage(),
                    e);
        }
    }

    /** Surfaces errors raised after the first result of a batch (SQL Server reports them lazily). */
    private static void drainResults(Statement statement) throws SQLException {
        while (statement.getMoreResults() || statement.getUpdateCount() != -1) {
            // keep reading until the batch is exhausted
        }
    }

    static String describeFailure(ScriptBatch batch, SQLException e) {
        int line = batch.startLine();
        if (e instanceof SQLServerException server && server.getSQLServerError() != null) {
            line = batch.startLine() + (int) Math.max(0, server.getSQLServerError().getLineNumber() - 1);
        }
        return "script " + batch.scriptName() + ", batch " + batch.batchNumber() + ", line " + line + ": "
                + e.getMessage();
    }

    private void ensureHistoryTable(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(dialect.createHistory());
        } catch (SQLException e) {
            throw new DeployException("cannot create the schema-history table: " + e.getMessage(), e);
        }
    }

    private Map<String, String> appliedChecksums(Connection connection) {
        Map<String, String> applied = new HashMap<>();
        if (!historyTableExists(connection)) {
            return applied;
        }
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT ScriptName, Checksum FROM " + dialect.historyTable())) {
            while (rs.next()) {
                applied.put(rs.getString(1), rs.getString(2).trim());
            }
        } catch (SQLException e) {
            throw new DeployException("cannot read the schema-history table: " + e.getMessage(), e);
        }
        return applied;
    }

    private boolean historyTableExists(Connection connection) {
        String probe = dialect == Dialect.H2
                ? "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE UPPER(TABLE_NAME) = 'SCHEMAHISTORY'"
                : "SELECT COUNT(*) FROM sys.tables WHERE name = N'SchemaHistory' AND schema_id = SCHEMA_ID(N'dbo')";
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(probe)) {
            return rs.next() && rs.getInt(1) > 0;
        } catch (SQLException e) {
            throw new DeployException("cannot look for the schema-history table: " + e.getMessage(), e);
        }
    }
}
