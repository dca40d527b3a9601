package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.vectors.SearchRequest;
import io.hartonomous.storage.engine.SpatialCells;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The spatial half of hybrid search ({@link SpatialCells}): the query's cells nearest first, each read as the points
 * with X = cell (the B-tree on EmbeddingPoints), whole until {@code wanted} are collected; in the last cell needed,
 * the embeddings whose Y (distance to the cell's landmark) is nearest the query's own distance to it.
 */
final class SpatialCandidates {
    private record Point(long embeddingId, double y) {
    }

    private SpatialCandidates() {
    }

    static List<Long> nearest(Connection c, LandmarkProjection projection, SearchRequest r, int wanted)
            throws SQLException {
        List<String> types = r.embeddingType() != null ? List.of(r.embeddingType()) : LandmarkProjection.types(c);
        List<Long> all = new ArrayList<>();
        for (String type : types) {
            LandmarkProjection.Landmarks landmarks = projection.forRead(c, type);
            if (landmarks != null) {
                all.addAll(within(c, landmarks.vectors(), type, r.vector(), wanted));
            }
        }
        return all;
    }

    private static List<Long> within(Connection c, float[][] landmarks, String type, float[] query, int wanted)
            throws SQLException {
        double[] distances = SpatialCells.distances(landmarks, query);
        List<Long> ids = new ArrayList<>(wanted);
        try (PreparedStatement ps = c.prepareStatement("SELECT EmbeddingId, ProjectionY FROM EmbeddingPoints "
                + "WHERE EmbeddingType = ? AND ProjectionX = ?")) {
            for (int cell : SpatialCells.order(distances)) {
                List<Point> members = cell(ps, cell, type);
                if (ids.size() + members.size() > wanted) {
                    double dq = distances[cell];
                    members.sort(Comparator.comparingDouble((Point p) -> Math.abs(p.y() - dq))
                            .thenComparingLong(Point::embeddingId));
                    members = members.subList(0, wanted - ids.size());
                }
                for (Point p : members) {
                    ids.add(p.embeddingId());
                }
                if (ids.size() >= wanted) {
                    break;
                }
            }
        }
        return ids;
    }

    private static List<Point> cell(PreparedStatement ps, int cell, String type) throws SQLException {
        ps.setString(1, type);
        ps.setDouble(2, cell);
        List<Point> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new Point(rs.getLong(1), rs.getDouble(2)));
            }
        }
        return rows;
    }
}
