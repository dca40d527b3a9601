package io.hartonomous.storage.engine.embedded;

import io.hartonomous.kernels.VectorDistance;
import io.hartonomous.storage.engine.LandmarkSeeds;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Projects an embedding to a 2-D point: its Euclidean distances to two landmark vectors of its embedding type.
 * By the triangle inequality |d(q,L) - d(v,L)| <= d(q,v), so points near the query's projection are the only
 * candidates that can be near it in Euclidean terms (geometry distance is planar, hence two landmarks).
 * Landmarks are created per type on first use from a fixed seed, so every engine derives the same ones.
 */
final class LandmarkProjection {
    static final int AXES = LandmarkSeeds.AXES;

    private final Transactions tx;
    private final Map<String, float[][]> cache = new ConcurrentHashMap<>();

    LandmarkProjection(Transactions tx) {
        this.tx = tx;
    }

    double[] project(Connection c, String embeddingType, float[] vector) throws SQLException {
        float[][] landmarks = landmarks(c, embeddingType);
        double[] point = new double[AXES];
        for (int axis = 0; axis < AXES; axis++) {
            point[axis] = distance(landmarks[axis], vector);
        }
        return point;
    }

    double[] project(String embeddingType, float[] vector) {
        return tx.read(c -> project(c, embeddingType, vector));
    }

    private static double distance(float[] landmark, float[] vector) {
        float[] v = vector.length == landmark.length ? vector : Arrays.copyOf(vector, landmark.length);
        return VectorDistance.euclidean(landmark, v, landmark.length);
    }

    private float[][] landmarks(Connection c, String embeddingType) throws SQLException {
        float[][] known = cache.get(embeddingType);
        if (known != null) {
            return known;
        }
        float[][] stored = load(c, embeddingType);
        if (stored == null) {
            stored = seeded(embeddingType);
            try (PreparedStatement ps = c.prepareStatement("MERGE INTO SpatialLandmarks (EmbeddingType, Axis, "
                    + "Dimension, LandmarkVector) KEY (EmbeddingType, Axis) VALUES (?, ?, ?, ?)")) {
                for (int axis = 0; axis < AXES; axis++) {
                    ps.setString(1, embeddingType);
                    ps.setInt(2, axis);
                    ps.setInt(3, stored[axis].length);
                    ps.setBytes(4, FloatCodec.encode(stored[axis]));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        cache.put(embeddingType, stored);
        return stored;
    }

    private static float[][] load(Connection c, String embeddingType) throws SQLException {
        float[][] landmarks = new float[AXES][];
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT Axis, LandmarkVector FROM SpatialLandmarks WHERE EmbeddingType = ? ORDER BY Axis")) {
            ps.setString(1, embeddingType);
            try (ResultSet rs = ps.executeQuery()) {
                int found = 0;
                while (rs.next()) {
                    landmarks[rs.getInt(1)] = FloatCodec.decode(rs.getBytes(2));
                    found++;
                }
                return found == AXES ? landmarks : null;
            }
        }
    }

    /** Deterministic landmarks from a seed per type, the same on every engine ({@link LandmarkSeeds}). */
    static float[][] seeded(String embeddingType) {
        return LandmarkSeeds.landmarks(embeddingType);
    }
}
