package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.engine.SpatialCells;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes sure an embedding type has a landmark before an embedding of it is projected
 * (dbo.sp_ComputeSpatialProjection measures against dbo.SpatialLandmarks): the provisional seeded landmark every
 * engine derives ({@link SpatialCells#seeded}), inserted only if the type has none, until a rebuild replaces it with
 * landmarks derived from the data. Types already ensured by this engine are remembered (per engine, never static).
 */
final class Landmarks {
    private final Set<String> ensured = ConcurrentHashMap.newKeySet();

    void ensure(Connection connection, String embeddingType) throws SQLException {
        if (ensured.contains(embeddingType)) {
            return;
        }
        try (ProcedureCall call = ProcedureCall.prepare(connection, Procedures.ENSURE_SPATIAL_LANDMARKS)) {
            call.setString("EmbeddingType", embeddingType)
                    .setVector("Landmark", SpatialCells.seeded(embeddingType))
                    .execute();
        }
        ensured.add(embeddingType);
    }
}
