package io.hartonomous.storage.engine.embedded;

import org.h2.api.Trigger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Keeps what a run recorded as it was written (scripts 170, 180). A receipt row (InferenceReceipts,
 * InferenceInputAtoms, InferenceReceiptTensors) and a reasoning run's evidence (InferenceEvidence) are never
 * updated; an inference record is updated once, from RUNNING to its end, with nothing but its outcome changing.
 * Either is deleted only while {@link InferencePurge} removes its model's runs, which names the model in the session
 * for the length of its statements (never a reasoning run's, which names no model).
 */
public final class ReceiptGuard implements Trigger {
    /** The columns of Inferences an end may change; every other one stays as begin wrote it. */
    private static final Set<String> OUTCOME = Set.of("STATUS", "DURATIONMS", "OUTPUTSUMMARY", "ERROR");

    private String table;
    private boolean record;
    private int inferenceIdIndex;
    private int modelIdIndex;
    private int statusIndex;
    private final List<Integer> fixedIndexes = new ArrayList<>();

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before,
                     int type) throws SQLException {
        table = tableName;
        record = "INFERENCES".equalsIgnoreCase(tableName);
        List<String> columns = new ArrayList<>();
        try (ResultSet rs = conn.getMetaData().getColumns(null, schemaName, tableName, null)) {
            while (rs.next()) {
                columns.add(rs.getString("COLUMN_NAME").toUpperCase());
            }
        }
        inferenceIdIndex = columns.indexOf("INFERENCEID");
        modelIdIndex = columns.indexOf("MODELID");
        statusIndex = columns.indexOf("STATUS");
        if (inferenceIdIndex < 0 || (record && (modelIdIndex < 0 || statusIndex < 0))) {
            throw new SQLException("table " + tableName + " is not an inference table ReceiptGuard knows");
        }
        for (int i = 0; i < columns.size(); i++) {
            if (!OUTCOME.contains(columns.get(i))) {
                fixedIndexes.add(i);
            }
        }
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        if (oldRow == null) {
            return;
        }
        long inferenceId = ((Number) oldRow[inferenceIdIndex]).longValue();
        if (newRow != null) {
            if (record && "RUNNING".equals(oldRow[statusIndex]) && !"RUNNING".equals(newRow[statusIndex])
                    && fixedIndexes.stream().allMatch(i -> Objects.equals(oldRow[i], newRow[i]))) {
                return;
            }
            throw new SQLException((record ? "inference " + inferenceId + " already ended; a record changes once"
                    : "the receipt of inference " + inferenceId + " is immutable") + " (" + table + ")");
        }
        Long purging = InferencePurge.modelBeingPurged(conn);
        // A reasoning run names no model, so no purge of a model's runs ever lets it go.
        Object model = record ? oldRow[modelIdIndex] : modelOf(conn, inferenceId);
        if (purging == null || model == null || purging != ((Number) model).longValue()) {
            throw new SQLException("inference " + inferenceId + " is deleted only with its model's data (" + table
                    + ")");
        }
    }

    private static Long modelOf(Connection conn, long inferenceId) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT ModelId FROM Inferences WHERE InferenceId = ?")) {
            ps.setLong(1, inferenceId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1, Long.class) : null;
            }
        }
    }
}
