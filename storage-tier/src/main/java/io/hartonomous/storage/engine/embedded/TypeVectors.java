package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.engine.jdbc.Binder;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The embeddings of one type a tenant can see, one per atom, by atom id: where an atom has both a built-in embedding
 * and the tenant's own, the tenant's own is the atom's vector (sql/083 picks the same one).
 */
record TypeVectors(long[] atomIds, float[][] vectors) {
    /** The column order every read here uses: the tenant's own before the built-in one. */
    private static final String PREFERENCE = " ORDER BY e.AtomId, CASE WHEN e.TenantId IS NULL THEN 1 ELSE 0 END";

    static TypeVectors all(Connection c, String tenantId, String type) throws SQLException {
        return read(c, "SELECT e.AtomId, e.EmbeddingVector FROM AtomEmbeddings e JOIN Atoms a ON a.AtomId = e.AtomId "
                + "WHERE e.EmbeddingType = ? AND (e.TenantId IS NULL OR e.TenantId = ?) AND " + Visibility.ATOM
                + PREFERENCE, ps -> {
                    ps.setString(1, type);
                    ps.setString(2, tenantId);
                    ps.setString(3, tenantId);
                });
    }

    /** The vectors of these atoms (those that have one of the type the tenant can see). */
    static TypeVectors of(Connection c, String tenantId, String type, long[] atomIds) throws SQLException {
        return read(c, "SELECT e.AtomId, e.EmbeddingVector FROM TABLE(I BIGINT = ?) t "
                + "JOIN AtomEmbeddings e ON e.AtomId = t.I JOIN Atoms a ON a.AtomId = e.AtomId "
                + "WHERE e.EmbeddingType = ? AND (e.TenantId IS NULL OR e.TenantId = ?) AND " + Visibility.ATOM
                + PREFERENCE, ps -> {
                    ps.setObject(1, Arrays.stream(atomIds).boxed().toArray(Long[]::new));
                    ps.setString(2, type);
                    ps.setString(3, tenantId);
                    ps.setString(4, tenantId);
                });
    }

    /** Whether the tenant can see any embedding of the type. */
    static boolean exists(Connection c, String tenantId, String type) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM AtomEmbeddings e JOIN Atoms a "
                + "ON a.AtomId = e.AtomId WHERE e.EmbeddingType = ? AND (e.TenantId IS NULL OR e.TenantId = ?) AND "
                + Visibility.ATOM + " FETCH FIRST 1 ROWS ONLY")) {
            ps.setString(1, type);
            ps.setString(2, tenantId);
            ps.setString(3, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static TypeVectors read(Connection c, String sql, Binder<PreparedStatement> binder) throws SQLException {
        List<Long> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setFetchSize(1024);
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    if (!ids.isEmpty() && ids.getLast() == id) {
                        continue; // the built-in one of an atom that has the tenant's own
                    }
                    ids.add(id);
                    vectors.add(FloatCodec.decode(rs.getBytes(2)));
                }
            }
        }
        return new TypeVectors(ids.stream().mapToLong(Long::longValue).toArray(), vectors.toArray(float[][]::new));
    }

    int size() {
        return atomIds.length;
    }

    /** The index of the atom, or -1. */
    int indexOf(long atomId) {
        int i = Arrays.binarySearch(atomIds, atomId);
        return i < 0 ? -1 : i;
    }
}
