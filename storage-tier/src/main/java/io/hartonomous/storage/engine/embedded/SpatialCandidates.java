package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.SearchRequest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The spatial half of hybrid search: grows a box around the query's projected point (through the spatial index)
 * until it holds enough embeddings, then keeps the ones whose projections lie nearest.
 */
final class SpatialCandidates {
    private static final int MAX_ROUNDS = 40;

    /** An embedding's projected point. */
    private record Point(long embeddingId, double x, double y) {
    }

    private SpatialCandidates() {
    }

    static List<Long> nearest(Connection c, LandmarkProjection projection, SearchRequest r, int wanted)
            throws SQLException {
        String type = r.embeddingType();
        double[] q = r.embeddingType() != null ? projection.project(c, type, r.vector()) : null;
        if (q == null) {
            // Without a type the query cannot be projected onto one set of landmarks: rank by every type's.
            return allTypes(c, projection, r, wanted);
        }
        return within(c, q, type, wanted);
    }

    private static List<Long> allTypes(Connection c, LandmarkProjection projection, SearchRequest r, int wanted)
            throws SQLException {
        List<String> types = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT EmbeddingType FROM SpatialLandmarks");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                types.add(rs.getString(1));
            }
        }
        List<Long> all = new ArrayList<>();
        for (String type : types) {
            all.addAll(within(c, projection.project(c, type, r.vector()), type, wanted));
        }
        return all;
    }

    private static List<Long> within(Connection c, double[] q, String type, int wanted) throws SQLException {
        double radius = Math.max(1e-6, 0.01 * Math.hypot(q[0], q[1]));
        List<Point> found = List.of();
        long total = count(c, type);
        for (int round = 0; round < MAX_ROUNDS; round++) {
            found = box(c, q, radius, type);
            if (found.size() >= wanted || found.size() >= total) {
                break;
            }
            radius *= 2;
        }
        List<Point> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparingDouble(p -> Math.hypot(p.x() - q[0], p.y() - q[1])));
        List<Long> ids = new ArrayList<>(Math.min(wanted, sorted.size()));
        for (int i = 0; i < sorted.size() && i < wanted; i++) {
            ids.add(sorted.get(i).embeddingId());
        }
        return ids;
    }

    private static long count(Connection c, String type) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM AtomEmbeddings WHERE EmbeddingType = ?")) {
            ps.setString(1, type);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<Point> box(Connection c, double[] q, double radius, String type) throws SQLException {
        String polygon = String.format(Locale.ROOT, "POLYGON((%1$.17g %2$.17g, %3$.17g %2$.17g, %3$.17g %4$.17g, "
                + "%1$.17g %4$.17g, %1$.17g %2$.17g))", q[0] - radius, q[1] - radius, q[0] + radius, q[1] + radius);
        List<Point> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT EmbeddingId, ProjectionX, ProjectionY FROM AtomEmbeddings "
                + "WHERE SpatialKey && CAST(? AS GEOMETRY) AND EmbeddingType = ?")) {
            ps.setString(1, polygon);
            ps.setString(2, type);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Point(rs.getLong(1), rs.getDouble(2), rs.getDouble(3)));
                }
            }
        }
        return rows;
    }
}
