package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.models.Model;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * A model's weight versions (table ModelWeightChanges, script 160): every update or rollback that changed a weight
 * appends its time in its own transaction, so a version is one index seek however many weights the model has.
 */
final class WeightChanges {
    private WeightChanges() {
    }

    /**
     * Records a change of {@code modelId}'s weights; call after the changed rows are written, inside their
     * transaction. The time is taken then, so it is not earlier than any ValidFrom the history trigger stamped:
     * a read AS OF this version sees every changed weight.
     */
    static void record(Connection c, long modelId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO ModelWeightChanges (ModelId, ChangedAt) VALUES (?, ?)")) {
            ps.setLong(1, modelId);
            Rows.setInstant(ps, 2, Rows.micros(Instant.now()));
            ps.executeUpdate();
        }
    }

    /** The last change at or before {@code asOf} (null: now), else the model's creation. */
    static Instant version(Connection c, Model model, Instant asOf) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT MAX(ChangedAt) FROM ModelWeightChanges WHERE ModelId = ? AND ChangedAt <= ?")) {
            ps.setLong(1, model.modelId());
            Rows.setInstant(ps, 2, asOf == null ? Instant.now() : asOf);
            try (ResultSet rs = ps.executeQuery()) {
                OffsetDateTime last = rs.next() ? rs.getObject(1, OffsetDateTime.class) : null;
                return last == null ? model.createdAt() : last.toInstant();
            }
        }
    }
}
