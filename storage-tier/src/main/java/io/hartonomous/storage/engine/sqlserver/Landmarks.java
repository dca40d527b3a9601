package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.engine.LandmarkSeeds;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes sure the landmarks of an embedding type are stored before an embedding of that type is projected
 * (dbo.sp_ComputeSpatialProjection measures against dbo.SpatialLandmarks). They are the seeded landmarks every
 * engine derives ({@link LandmarkSeeds}); the procedure inserts them only if the type has none, so concurrent
 * engines agree. Types already ensured by this engine are remembered (per engine, never static).
 */
final class Landmarks {
    private final Set<String> ensured = ConcurrentHashMap.newKeySet();

    void ensure(Connection connection, String embeddingType) throws SQLException {
        if (ensured.contains(embeddingType)) {
            return;
        }
        float[][] axes = LandmarkSeeds.landmarks(embeddingType);
        try (ProcedureCall call = ProcedureCall.prepare(connection, Procedures.ENSURE_SPATIAL_LANDMARKS)) {
            call.setString("EmbeddingType", embeddingType)
                    .setVector("Axis0", axes[0])
                    .setVector("Axis1", axes[1])
                    .execute();
        }
        ensured.add(embeddingType);
    }
}
