package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.atoms.AtomComposition;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.PlacedValue;
import io.hartonomous.storage.engine.segments.SegmentLayout;
import io.hartonomous.storage.engine.segments.StoredSegment;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One window of a parent's positions as dbo.sp_GetCompositionWindow returns it (sql/071), decoded here: the segments
 * that reach into [from, end) are expanded (their layout gives X/Y, their packed column the dictionary ordinal) and
 * merged in sequence order with the row table's positions of the window. Both are sorted and never overlap (the
 * writer refuses a repeated position), so one merge pass suffices.
 *
 * @param next the first stored sequence index at or after the window's end, or null when there is none
 */
record CompositionWindow(long[] sequence, long[] x, long[] y, Component[] components, Long next) {
    /** The atom a position holds. */
    record Component(long atomId, AtomType type, byte[] value) {
    }

    int size() {
        return sequence.length;
    }

    List<AtomComposition> compositions(long parentAtomId) {
        List<AtomComposition> out = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            out.add(new AtomComposition(parentAtomId, components[i].atomId(), sequence[i], x[i], y[i]));
        }
        return out;
    }

    List<PlacedValue> placedValues() {
        List<PlacedValue> out = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            out.add(new PlacedValue(sequence[i], x[i], y[i], components[i].type(), components[i].value()));
        }
        return out;
    }

    /** The window of the call's result sets: segments, rows, dictionary entries, next sequence, in that order. */
    static CompositionWindow read(ProcedureCall call, long from, long end) throws SQLException {
        List<StoredSegment> segments = new ArrayList<>();
        try (ResultSet rs = call.first()) {
            while (rs != null && rs.next()) {
                segments.add(new StoredSegment(rs.getLong("FirstSequence"), rs.getInt("PositionCount"),
                        new SegmentLayout(rs.getLong("Stride"), rs.getBoolean("ColumnMajor")),
                        rs.getInt("OrdinalWidth"), rs.getBytes("Ordinals")));
            }
        }
        Map<String, AtomType> types = new HashMap<>();
        List<long[]> rowPlaces = new ArrayList<>();
        List<Component> rowComponents = new ArrayList<>();
        try (ResultSet rs = call.nextResultSet()) {
            while (rs != null && rs.next()) {
                rowPlaces.add(new long[] {rs.getLong("SequenceIndex"), rs.getLong("PositionX"),
                        rs.getLong("PositionY")});
                rowComponents.add(component(rs, rs.getLong("ComponentAtomId"), types));
            }
        }
        Map<Integer, Component> dictionary = new HashMap<>();
        try (ResultSet rs = call.nextResultSet()) {
            while (rs != null && rs.next()) {
                dictionary.put(rs.getInt("Ordinal"), component(rs, rs.getLong("AtomId"), types));
            }
        }
        Long next = null;
        try (ResultSet rs = call.nextResultSet()) {
            if (rs != null && rs.next()) {
                long v = rs.getLong("NextSequence");
                next = rs.wasNull() ? null : v;
            }
        }
        call.drain();
        return merge(segments, rowPlaces, rowComponents, dictionary, from, end, next);
    }

    private static Component component(ResultSet rs, long atomId, Map<String, AtomType> types) throws SQLException {
        String modality = rs.getString("Modality");
        String subtype = rs.getString("Subtype");
        AtomType type = types.computeIfAbsent(modality + '/' + subtype,
                k -> AtomType.of(Modality.fromWireName(modality), subtype));
        return new Component(atomId, type, rs.getBytes("AtomicValue"));
    }

    static CompositionWindow merge(List<StoredSegment> segments, List<long[]> rowPlaces, List<Component> rowComponents,
                                   Map<Integer, Component> dictionary, long from, long end, Long next) {
        int total = rowPlaces.size();
        for (StoredSegment s : segments) {
            total += (int) Math.max(0, Math.min(s.end(), end) - Math.max(s.firstSequence(), from));
        }
        long[] seq = new long[total];
        long[] xs = new long[total];
        long[] ys = new long[total];
        Component[] components = new Component[total];
        int n = 0;
        int row = 0;
        for (StoredSegment s : segments) {
            long hi = Math.min(s.end(), end);
            for (long p = Math.max(s.firstSequence(), from); p < hi; p++) {
                while (row < rowPlaces.size() && rowPlaces.get(row)[0] < p) {
                    n = placeRow(rowPlaces, rowComponents, row++, n, seq, xs, ys, components);
                }
                seq[n] = p;
                xs[n] = s.layout().x(p);
                ys[n] = s.layout().y(p);
                Component c = dictionary.get(s.ordinal(p));
                if (c == null) {
                    throw new IllegalStateException("segment at " + s.firstSequence() + " names dictionary ordinal "
                            + s.ordinal(p) + ", which the parent's dictionary lacks");
                }
                components[n++] = c;
            }
        }
        while (row < rowPlaces.size()) {
            n = placeRow(rowPlaces, rowComponents, row++, n, seq, xs, ys, components);
        }
        return new CompositionWindow(seq, xs, ys, components, next);
    }

    private static int placeRow(List<long[]> places, List<Component> components, int row, int n, long[] seq,
                                long[] xs, long[] ys, Component[] out) {
        long[] place = places.get(row);
        seq[n] = place[0];
        xs[n] = place[1];
        ys[n] = place[2];
        out[n] = components.get(row);
        return n + 1;
    }
}
