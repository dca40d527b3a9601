package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.engine.jdbc.ContractRows;
import io.hartonomous.storage.engine.segments.PackedOrdinals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One model's tensor segments and their versions on one connection (embedded/160, docs/decisions.md "Tensors in
 * segments"): reading the versions valid at an instant, writing new current versions, and replacing a current
 * version (the old one goes to TensorSegmentsHistory with the number of values the new one replaced).
 */
final class TensorSegmentStore {
    /** Elements per aligned block: a segment never crosses a multiple of this. */
    static final int BLOCK = PackedOrdinals.MAX_POSITIONS;

    private static final String COLUMNS =
            "LayerIdx, FirstIndex, PositionCount, SizeX, SizeY, OrdinalWidth, Ordinals, ValidFrom";

    /* A tensor's versions in key order: each walks its primary key (EmbeddedQueryPlanTest). */
    static final String CURRENT = "SELECT " + COLUMNS + " FROM TensorSegments WHERE ModelId = ? AND LayerIdx = ? "
            + "ORDER BY ModelId, LayerIdx, FirstIndex";
    static final String CURRENT_AS_OF = "SELECT " + COLUMNS + " FROM TensorSegments WHERE ModelId = ? "
            + "AND LayerIdx = ? AND ValidFrom <= ? ORDER BY ModelId, LayerIdx, FirstIndex";
    static final String HISTORY_AS_OF = "SELECT " + COLUMNS + " FROM TensorSegmentsHistory WHERE ModelId = ? "
            + "AND LayerIdx = ? AND ValidFrom <= ? AND ValidTo > ? ORDER BY ModelId, LayerIdx, FirstIndex";

    /** One version of a segment: elements {@code first .. first + count - 1} of tensor {@code layer}. */
    record Segment(int layer, long first, int count, long sizeX, long sizeY, int width, byte[] ordinals,
                   Instant validFrom) {
        int ordinal(int k) {
            return PackedOrdinals.ordinalAt(ordinals, width, k);
        }

        int[] decode() {
            int[] out = new int[count];
            for (int k = 0; k < count; k++) {
                out[k] = ordinal(k);
            }
            return out;
        }

        long end() {
            return first + count;
        }

        /** The same run with other ordinals, packed at the width they need. */
        Segment with(int[] newOrdinals, Instant from) {
            int max = 0;
            for (int o : newOrdinals) {
                max = Math.max(max, o);
            }
            int w = PackedOrdinals.widthFor(max);
            return new Segment(layer, first, count, sizeX, sizeY, w, PackedOrdinals.pack(newOrdinals, 0, count, w),
                    from);
        }
    }

    private final Connection c;
    private final long modelId;

    TensorSegmentStore(Connection c, long modelId) {
        this.c = c;
        this.modelId = modelId;
    }

    long modelId() {
        return modelId;
    }

    /** The grids of the model's tensors, by layer index (from ModelLayers' shape and element count). */
    Map<Integer, TensorGrid> grids() throws SQLException {
        Map<Integer, TensorGrid> grids = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT LayerIdx, Shape, ElementCount FROM ModelLayers WHERE ModelId = ?")) {
            ps.setLong(1, modelId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    grids.put(rs.getInt(1), TensorGrid.of(ContractRows.parseShape(rs.getString(2)), rs.getLong(3)));
                }
            }
        }
        return grids;
    }

    /**
     * The versions of tensor {@code layer} valid at {@code asOf} (null: the current ones), in element order: per
     * segment key the current version if it was written by then, else the history version valid then.
     */
    List<Segment> read(int layer, Instant asOf) throws SQLException {
        List<Segment> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(asOf == null ? CURRENT : CURRENT_AS_OF)) {
            ps.setLong(1, modelId);
            ps.setInt(2, layer);
            if (asOf != null) {
                Rows.setInstant(ps, 3, asOf);
            }
            collect(ps, out);
        }
        if (asOf == null) {
            return out;
        }
        List<Segment> old = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(HISTORY_AS_OF)) {
            ps.setLong(1, modelId);
            ps.setInt(2, layer);
            Rows.setInstant(ps, 3, asOf);
            Rows.setInstant(ps, 4, asOf);
            collect(ps, old);
        }
        if (old.isEmpty()) {
            return out;
        }
        // Two sorted, disjoint runs of keys: merge them.
        List<Segment> merged = new ArrayList<>(out.size() + old.size());
        int i = 0;
        int j = 0;
        while (i < out.size() || j < old.size()) {
            if (j == old.size() || i < out.size() && out.get(i).first() < old.get(j).first()) {
                merged.add(out.get(i++));
            } else {
                merged.add(old.get(j++));
            }
        }
        return merged;
    }

    /** The current segments of {@code layer} in the given blocks (element index / {@link #BLOCK}), locked. */
    List<Segment> lockBlocks(int layer, Long[] blocks) throws SQLException {
        List<Segment> out = new ArrayList<>();
        // Joined so that each block is a range of the primary key (an expression on FirstIndex would scan the layer).
        try (PreparedStatement ps = c.prepareStatement("SELECT " + prefixed("s") + " FROM TABLE(B BIGINT = ?) t "
                + "JOIN TensorSegments s ON s.ModelId = ? AND s.LayerIdx = ? AND s.FirstIndex >= t.B * " + BLOCK
                + " AND s.FirstIndex < (t.B + 1) * " + BLOCK + " ORDER BY s.FirstIndex FOR UPDATE")) {
            ps.setFetchSize(Rows.BULK_FETCH);
            ps.setObject(1, blocks);
            ps.setLong(2, modelId);
            ps.setInt(3, layer);
            collect(ps, out);
        }
        return out;
    }

    /** The current segment with this key, locked. */
    Segment lock(int layer, long first) throws SQLException {
        List<Segment> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM TensorSegments "
                + "WHERE ModelId = ? AND LayerIdx = ? AND FirstIndex = ? FOR UPDATE")) {
            ps.setLong(1, modelId);
            ps.setInt(2, layer);
            ps.setLong(3, first);
            collect(ps, out);
        }
        if (out.isEmpty()) {
            throw new SQLException("segment " + first + " of tensor " + layer + " of model " + modelId + " vanished");
        }
        return out.getFirst();
    }

    /** A current segment paired with its version valid at an earlier instant. */
    record Pair(Segment current, Segment then) {
    }

    /** Every current segment written after {@code t} that had a version valid at {@code t}, locked. */
    List<Pair> changedSince(Instant t) throws SQLException {
        List<Pair> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + prefixed("s") + ", " + prefixed("h")
                + " FROM TensorSegments s JOIN TensorSegmentsHistory h ON h.ModelId = s.ModelId "
                + "AND h.LayerIdx = s.LayerIdx AND h.FirstIndex = s.FirstIndex AND h.ValidFrom <= ? AND h.ValidTo > ? "
                + "WHERE s.ModelId = ? AND s.ValidFrom > ? ORDER BY s.LayerIdx, s.FirstIndex FOR UPDATE")) {
            Rows.setInstant(ps, 1, t);
            Rows.setInstant(ps, 2, t);
            ps.setLong(3, modelId);
            Rows.setInstant(ps, 4, t);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Pair(segment(rs, 0), segment(rs, 8)));
                }
            }
        }
        return out;
    }

    private static String prefixed(String alias) {
        return alias + "." + COLUMNS.replace(", ", ", " + alias + ".");
    }

    /** New current versions (ingest): one JDBC batch. */
    void insert(List<Segment> segments) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO TensorSegments (ModelId, " + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Segment s : segments) {
                bind(ps, s);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * {@code next} becomes the current version of {@code old}'s key; {@code old} goes to history valid until then,
     * having had {@code replaced} of its values replaced.
     */
    void replace(Segment old, Segment next, int replaced) throws SQLException {
        toHistory(old, next.validFrom(), replaced);
        try (PreparedStatement ps = c.prepareStatement("UPDATE TensorSegments SET OrdinalWidth = ?, Ordinals = ?, "
                + "ValidFrom = ? WHERE ModelId = ? AND LayerIdx = ? AND FirstIndex = ?")) {
            ps.setInt(1, next.width());
            ps.setBytes(2, next.ordinals());
            Rows.setInstant(ps, 3, next.validFrom());
            ps.setLong(4, modelId);
            ps.setInt(5, old.layer());
            ps.setLong(6, old.first());
            if (ps.executeUpdate() != 1) {
                throw new SQLException("segment " + old.first() + " of tensor " + old.layer() + " of model " + modelId
                        + " vanished while it was being replaced");
            }
        }
    }

    void toHistory(Segment old, Instant until, int replaced) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO TensorSegmentsHistory (ModelId, " + COLUMNS
                + ", ValidTo, Replaced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(ps, old);
            Rows.setInstant(ps, 10, until);
            ps.setInt(11, replaced);
            ps.executeUpdate();
        }
    }

    /**
     * The time a version written now gets: now, or just after the newest of {@code replaced}'s versions, so that a
     * version is never valid for no time and two versions of a key never end at the same instant.
     */
    static Instant versionTime(List<Segment> replaced) {
        Instant t = Rows.micros(Instant.now());
        for (Segment s : replaced) {
            if (!t.isAfter(s.validFrom())) {
                t = s.validFrom().plus(1, ChronoUnit.MICROS);
            }
        }
        return t;
    }

    private void bind(PreparedStatement ps, Segment s) throws SQLException {
        ps.setLong(1, modelId);
        ps.setInt(2, s.layer());
        ps.setLong(3, s.first());
        ps.setInt(4, s.count());
        ps.setLong(5, s.sizeX());
        ps.setLong(6, s.sizeY());
        ps.setInt(7, s.width());
        ps.setBytes(8, s.ordinals());
        Rows.setInstant(ps, 9, s.validFrom());
    }

    private static void collect(PreparedStatement ps, List<Segment> out) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(segment(rs, 0));
            }
        }
    }

    /** The eight {@link #COLUMNS} starting after column {@code offset}. */
    private static Segment segment(ResultSet rs, int offset) throws SQLException {
        return new Segment(rs.getInt(offset + 1), rs.getLong(offset + 2), rs.getInt(offset + 3),
                rs.getLong(offset + 4), rs.getLong(offset + 5), rs.getInt(offset + 6), rs.getBytes(offset + 7),
                rs.getObject(offset + 8, OffsetDateTime.class).toInstant());
    }
}
