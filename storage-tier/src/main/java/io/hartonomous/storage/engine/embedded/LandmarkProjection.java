package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.engine.SpatialCells;
import io.hartonomous.storage.engine.jdbc.RetryableConflict;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The landmarks of each embedding type ({@link SpatialCells}): an embedding's point is (cell of its nearest
 * landmark, distance to it). A type's first put stores its provisional seeded landmark; a rebuild replaces them
 * and bumps the type's generation, which every process checks (one primary-key read) before using its cache.
 */
final class LandmarkProjection {
    /** A type's landmarks as of one generation. */
    record Landmarks(long generation, float[][] vectors) {
    }

    private final Map<String, Landmarks> cache = new ConcurrentHashMap<>();

    /**
     * The type's current landmarks for a writer: locks the type's landmark set (puts of a type and its rebuild
     * serialize on it) and stores the provisional landmark if the type has none yet.
     */
    Landmarks forWrite(Connection c, String embeddingType) throws SQLException {
        Long generation = generation(c, embeddingType, true);
        if (generation == null) {
            float[] seeded = SpatialCells.seeded(embeddingType);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO SpatialLandmarkSets (EmbeddingType, "
                    + "Generation, Landmarks, TrainedOn) VALUES (?, 0, 1, 0)")) {
                ps.setString(1, embeddingType);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (H2Errors.isUniqueViolation(e)) {
                    throw new RetryableConflict("landmarks of " + embeddingType + " created concurrently");
                }
                throw e;
            }
            store(c, embeddingType, new float[][] {seeded});
            Landmarks provisional = new Landmarks(0, new float[][] {seeded});
            cache.put(embeddingType, provisional);
            return provisional;
        }
        return load(c, embeddingType, generation);
    }

    /** The type's current landmarks for a reader, or null if the type has none (no embedding of it was stored). */
    Landmarks forRead(Connection c, String embeddingType) throws SQLException {
        Long generation = generation(c, embeddingType, false);
        return generation == null ? null : load(c, embeddingType, generation);
    }

    /** Every type that has landmarks. */
    static List<String> types(Connection c) throws SQLException {
        List<String> types = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT EmbeddingType FROM SpatialLandmarkSets "
                + "ORDER BY EmbeddingType"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                types.add(rs.getString(1));
            }
        }
        return types;
    }

    /** Replaces the type's landmarks (the caller holds the set's lock from {@link #forWrite}). */
    Landmarks replace(Connection c, String embeddingType, float[][] landmarks, long trainedOn) throws SQLException {
        long generation;
        try (PreparedStatement ps = c.prepareStatement("UPDATE SpatialLandmarkSets SET Generation = Generation + 1, "
                + "Landmarks = ?, TrainedOn = ?, BuiltAt = CURRENT_TIMESTAMP WHERE EmbeddingType = ?")) {
            ps.setInt(1, landmarks.length);
            ps.setLong(2, trainedOn);
            ps.setString(3, embeddingType);
            ps.executeUpdate();
        }
        generation = generation(c, embeddingType, false);
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM SpatialLandmarks WHERE EmbeddingType = ?")) {
            ps.setString(1, embeddingType);
            ps.executeUpdate();
        }
        store(c, embeddingType, landmarks);
        Landmarks replaced = new Landmarks(generation, landmarks);
        cache.put(embeddingType, replaced);
        return replaced;
    }

    private static Long generation(Connection c, String embeddingType, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT Generation FROM SpatialLandmarkSets "
                + "WHERE EmbeddingType = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, embeddingType);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private Landmarks load(Connection c, String embeddingType, long generation) throws SQLException {
        Landmarks known = cache.get(embeddingType);
        if (known != null && known.generation() == generation) {
            return known;
        }
        List<float[]> vectors = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT LandmarkVector FROM SpatialLandmarks WHERE EmbeddingType = ? ORDER BY Axis")) {
            ps.setString(1, embeddingType);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    vectors.add(FloatCodec.decode(rs.getBytes(1)));
                }
            }
        }
        Landmarks loaded = new Landmarks(generation, vectors.toArray(float[][]::new));
        cache.put(embeddingType, loaded);
        return loaded;
    }

    private static void store(Connection c, String embeddingType, float[][] landmarks) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO SpatialLandmarks (EmbeddingType, Axis, "
                + "Dimension, LandmarkVector) VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < landmarks.length; i++) {
                ps.setString(1, embeddingType);
                ps.setInt(2, i);
                ps.setInt(3, landmarks[i].length);
                ps.setBytes(4, FloatCodec.encode(landmarks[i]));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
