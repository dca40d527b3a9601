package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.engine.embedded.OccurrenceTally.Owed;
import io.hartonomous.storage.engine.segments.PackedOrdinals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes a file's (or an ingested model's) dictionary and its atoms' reference counts exact when its job completes
 * (docs/decisions.md, "Occurrences settle when the job completes"). While the job ran, an entry held what the owner
 * had added to its atom's ReferenceCount ({@link SegmentDictionary#firstAppearances}): the positions of the chunk that
 * created the atom, or 0 for an atom that existed before. Counting the segments gives each entry's true
 * Occurrences; the entry and its atom gain the difference, in ContentHash order like every reference-count change (no
 * lock cycles with chunk writers). That is one pass over the segments and one write per distinct atom that recurs or
 * existed before, instead of a dictionary write and a ReferenceCount update per distinct atom of every chunk. When the
 * process that wrote every chunk of the job tallied them ({@link OccurrenceTally}), the differences come from there
 * and the pass over the segments and the dictionary is skipped.
 */
final class OccurrenceSettlement {
    private final Connection c;
    private final long ownerId;
    private final String segments;
    private final String entries;
    private final SegmentDictionary dictionary;

    private OccurrenceSettlement(Connection c, long ownerId, String segmentTable, String dictionaryTable,
                                 String owner, SegmentDictionary dictionary) {
        this.c = c;
        this.ownerId = ownerId;
        this.segments = "SELECT PositionCount, OrdinalWidth, Ordinals FROM " + segmentTable + " WHERE " + owner
                + " = ?";
        this.entries = "SELECT d.Ordinal, d.AtomId, d.Occurrences, a.ContentHash FROM " + dictionaryTable
                + " d JOIN Atoms a ON a.AtomId = d.AtomId WHERE d." + owner + " = ?";
        this.dictionary = dictionary;
    }

    /** A file's positions: its composition segments and dictionary. */
    static OccurrenceSettlement ofFile(Connection c, long parentId) {
        return new OccurrenceSettlement(c, parentId, "CompositionSegments", "CompositionDictionary", "ParentAtomId",
                SegmentDictionary.composition(c, parentId));
    }

    /** A model's weights as ingested: its current tensor segments (a model being ingested has no history yet). */
    static OccurrenceSettlement ofModel(Connection c, long modelId) {
        return new OccurrenceSettlement(c, modelId, "TensorSegments", "TensorDictionary", "ModelId",
                SegmentDictionary.tensor(c, modelId));
    }

    /**
     * Settles the dictionary with the deltas the writing process tallied, or, without them, by counting; returns how
     * many entries changed.
     */
    int settle(Optional<List<Owed>> tallied) throws SQLException {
        List<Owed> owed = tallied.isPresent() ? new ArrayList<>(tallied.get()) : count();
        if (owed.isEmpty()) {
            return 0;
        }
        owed.sort(Comparator.comparing(Owed::hash));
        Map<Integer, Long> byOrdinal = new HashMap<>(owed.size() * 2);
        long[] ids = new long[owed.size()];
        long[] deltas = new long[owed.size()];
        for (int i = 0; i < owed.size(); i++) {
            Owed o = owed.get(i);
            byOrdinal.put(o.ordinal(), o.delta());
            ids[i] = o.atomId();
            deltas[i] = o.delta();
        }
        dictionary.adjust(byOrdinal);
        AtomUpserter.addReferences(c, ids, deltas);
        return owed.size();
    }

    /** Each entry's difference between the segment positions that hold its ordinal and its Occurrences. */
    private List<Owed> count() throws SQLException {
        long[] counted = countPositions();
        List<Owed> owed = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(entries)) {
            ps.setFetchSize(Rows.BULK_FETCH);
            ps.setLong(1, ownerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int ordinal = rs.getInt(1);
                    long delta = (ordinal < counted.length ? counted[ordinal] : 0) - rs.getLong(3);
                    if (delta != 0) {
                        owed.add(new Owed(ordinal, rs.getLong(2), delta, ContentHash.wrap(rs.getBytes(4))));
                    }
                }
            }
        }
        return owed;
    }

    /** How many of the owner's segment positions hold each ordinal. */
    private long[] countPositions() throws SQLException {
        long[] counted = new long[1024];
        int[] ordinals = new int[PackedOrdinals.MAX_POSITIONS];
        try (PreparedStatement ps = c.prepareStatement(segments)) {
            ps.setFetchSize(Rows.SEGMENT_FETCH);
            ps.setLong(1, ownerId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int count = rs.getInt(1);
                    int width = rs.getInt(2);
                    byte[] packed = rs.getBytes(3);
                    ordinals = PackedOrdinals.unpackAll(packed, width, count, ordinals);
                    for (int i = 0; i < count; i++) {
                        int ordinal = ordinals[i];
                        if (ordinal >= counted.length) {
                            counted = Arrays.copyOf(counted, Math.max(ordinal + 1, counted.length * 2));
                        }
                        counted[ordinal]++;
                    }
                }
            }
        }
        return counted;
    }
}
