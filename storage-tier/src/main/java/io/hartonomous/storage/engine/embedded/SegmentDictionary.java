package io.hartonomous.storage.engine.embedded;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The dictionary of distinct atoms that packed segments point into: per parent for compositions
 * ({@code CompositionDictionary}, keyed by ParentAtomId), per model for tensors ({@code TensorDictionary}, keyed by
 * ModelId). Ordinals are 0, 1, 2 … in order of first appearance; Occurrences is how many current segment positions of
 * the owner hold the atom (while the owner's job runs: what it has added to the atom's ReferenceCount so far). The
 * owner's writers are serialised (the job lock, the model's segment locks), so assigning {@code MAX(Ordinal) + 1 …}
 * needs no further locking.
 */
final class SegmentDictionary {
    private final Connection c;
    private final String table;
    private final String owner;
    private final long ownerId;
    /** Entries no position uses any longer are deleted (compositions) or kept for the history (tensors). */
    private final boolean dropEmpty;

    private SegmentDictionary(Connection c, String table, String owner, long ownerId, boolean dropEmpty) {
        this.c = c;
        this.table = table;
        this.owner = owner;
        this.ownerId = ownerId;
        this.dropEmpty = dropEmpty;
    }

    static SegmentDictionary composition(Connection c, long parentAtomId) {
        return new SegmentDictionary(c, "CompositionDictionary", "ParentAtomId", parentAtomId, true);
    }

    /** A model's tensors: an entry stays at zero occurrences while a history version may still point at it. */
    static SegmentDictionary tensor(Connection c, long modelId) {
        return new SegmentDictionary(c, "TensorDictionary", "ModelId", modelId, false);
    }

    /**
     * The ordinal of every atom with occurrences, which it gains: existing entries grow, atoms new to the owner get
     * the next ordinals. {@code atomIds[i]} with {@code occurrences[i] == 0} gets no entry (ordinal 0 returned).
     */
    int[] add(long[] atomIds, long[] occurrences) throws SQLException {
        Map<Long, Integer> known = lookup(atomIds, occurrences);
        int next = -1;
        int[] ordinal = new int[atomIds.length];
        int used = 0;
        for (long o : occurrences) {
            used += o != 0 ? 1 : 0;
        }
        Integer[] ord = new Integer[used];
        Long[] atom = new Long[used];
        Long[] delta = new Long[used];
        int k = 0;
        for (int i = 0; i < atomIds.length; i++) {
            if (occurrences[i] == 0) {
                continue;
            }
            Integer o = known.get(atomIds[i]);
            if (o == null) {
                if (next < 0) {
                    next = nextOrdinal();
                }
                o = next++;
                known.put(atomIds[i], o);
            }
            ordinal[i] = o;
            ord[k] = o;
            atom[k] = atomIds[i];
            delta[k++] = occurrences[i];
        }
        apply(ord, atom, delta);
        return ordinal;
    }

    /** Each atom's ordinal in the owner's dictionary, and whether the owner held it before this chunk. */
    /**
     * Per atom of a chunk: its ordinal, whether the owner held it already, and for an entry the chunk made the
     * Occurrences it was given (0 where held).
     */
    record Entries(int[] ordinal, boolean[] held, long[] given) {
    }

    /**
     * What a chunk of a running job needs (docs/decisions.md, "Occurrences settle when the job completes"): the
     * ordinal of every atom with occurrences, and which of them the owner held already. Only atoms new to the owner
     * get entries, and an entry's Occurrences is what the owner has added to its atom's ReferenceCount: the chunk's
     * occurrences for an atom the chunk created (its new row counts them), 0 for one that existed (the entry alone
     * keeps it, {@link AtomPurges}). Held atoms' entries are left alone; {@link OccurrenceSettlement} makes every entry
     * and its atom exact when the job completes. So a chunk writes no row of an atom that existed before it, and a
     * dictionary entry only per atom new to the owner.
     *
     * @param knownOrdinal per atom, its ordinal if the caller knows the owner holds it (the job's earlier chunks),
     *                     else -1; only the others are looked up
     * @param created      per atom, whether this chunk inserted it (with the chunk's occurrences as its references)
     */
    Entries firstAppearances(long[] atomIds, long[] occurrences, int[] knownOrdinal, boolean[] created)
            throws SQLException {
        long[] ask = new long[atomIds.length];
        for (int i = 0; i < atomIds.length; i++) {
            ask[i] = knownOrdinal[i] < 0 ? occurrences[i] : 0;
        }
        Map<Long, Integer> known = lookup(atomIds, ask);
        int[] ordinal = new int[atomIds.length];
        boolean[] held = new boolean[atomIds.length];
        long[] given = new long[atomIds.length];
        java.util.List<Integer> newOrd = new java.util.ArrayList<>();
        java.util.List<Long> newAtom = new java.util.ArrayList<>();
        java.util.List<Long> newCount = new java.util.ArrayList<>();
        int next = -1;
        for (int i = 0; i < atomIds.length; i++) {
            if (occurrences[i] == 0) {
                continue;
            }
            Integer o = knownOrdinal[i] >= 0 ? Integer.valueOf(knownOrdinal[i]) : known.get(atomIds[i]);
            if (o != null) {
                held[i] = true;
            } else {
                if (next < 0) {
                    next = nextOrdinal();
                }
                o = next++;
                known.put(atomIds[i], o);
                newOrd.add(o);
                newAtom.add(atomIds[i]);
                given[i] = created[i] ? occurrences[i] : 0L;
                newCount.add(given[i]);
            }
            ordinal[i] = o;
        }
        insert(newOrd.toArray(new Integer[0]), newAtom.toArray(new Long[0]), newCount.toArray(new Long[0]));
        return new Entries(ordinal, held, given);
    }

    /** New entries, known to be absent (looked up in this transaction; the owner's writers are serialised). */
    private void insert(Integer[] ord, Long[] atom, Long[] occurrences) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + owner + ", Ordinal, AtomId, "
                + "Occurrences) SELECT CAST(? AS BIGINT), t.O, t.A, t.N FROM TABLE(O INT = ?, A BIGINT = ?, "
                + "N BIGINT = ?) t")) {
            ps.setLong(1, ownerId);
            ArrayPieces.each(ord.length, (from, to) -> {
                ps.setObject(2, Arrays.copyOfRange(ord, from, to));
                ps.setObject(3, Arrays.copyOfRange(atom, from, to));
                ps.setObject(4, Arrays.copyOfRange(occurrences, from, to));
                ps.executeUpdate();
            });
        }
    }

    /**
     * The ordinal of each of {@code atomIds} (distinct), an entry with no occurrences made for those new to the owner
     * (tensors only: their entries may stand at zero).
     */
    int[] entries(long[] atomIds) throws SQLException {
        if (dropEmpty) {
            throw new IllegalStateException(table + " keeps no entries without occurrences");
        }
        long[] any = new long[atomIds.length];
        Arrays.fill(any, 1);
        Map<Long, Integer> known = lookup(atomIds, any);
        int[] ordinal = new int[atomIds.length];
        java.util.List<Integer> newOrd = new java.util.ArrayList<>();
        java.util.List<Long> newAtom = new java.util.ArrayList<>();
        int next = -1;
        for (int i = 0; i < atomIds.length; i++) {
            Integer o = known.get(atomIds[i]);
            if (o == null) {
                if (next < 0) {
                    next = nextOrdinal();
                }
                o = next++;
                known.put(atomIds[i], o);
                newOrd.add(o);
                newAtom.add(atomIds[i]);
            }
            ordinal[i] = o;
        }
        Long[] zero = new Long[newOrd.size()];
        Arrays.fill(zero, 0L);
        apply(newOrd.toArray(new Integer[0]), newAtom.toArray(new Long[0]), zero);
        return ordinal;
    }

    /** Existing entries lose (or gain) occurrences: {@code delta} by ordinal. */
    void adjust(Map<Integer, Long> delta) throws SQLException {
        Integer[] ord = new Integer[delta.size()];
        Long[] n = new Long[ord.length];
        int k = 0;
        for (Map.Entry<Integer, Long> e : delta.entrySet()) {
            ord[k] = e.getKey();
            n[k++] = e.getValue();
        }
        apply(ord, null, n);
    }

    /**
     * One MERGE (ordinals distinct): matched entries change by the delta (an emptied one goes when
     * {@link #dropEmpty}); with {@code atom}, unmatched ordinals are new entries of those atoms.
     */
    private void apply(Integer[] ord, Long[] atom, Long[] delta) throws SQLException {
        if (ord.length == 0) {
            return;
        }
        boolean insert = atom != null;
        try (PreparedStatement ps = c.prepareStatement("MERGE INTO " + table + " d USING (SELECT t.O, t.N"
                + (insert ? ", t.A FROM TABLE(O INT = ?, N BIGINT = ?, A BIGINT = ?) t"
                        : " FROM TABLE(O INT = ?, N BIGINT = ?) t")
                + ") s ON d." + owner + " = " + ownerId + " AND d.Ordinal = s.O "
                + (dropEmpty ? "WHEN MATCHED AND d.Occurrences + s.N = 0 THEN DELETE " : "")
                + "WHEN MATCHED THEN UPDATE SET Occurrences = d.Occurrences + s.N"
                + (insert ? " WHEN NOT MATCHED THEN INSERT (" + owner + ", Ordinal, AtomId, Occurrences) "
                        + "VALUES (" + ownerId + ", s.O, s.A, s.N)" : ""))) {
            ArrayPieces.each(ord.length, (from, to) -> {
                ps.setObject(1, Arrays.copyOfRange(ord, from, to));
                ps.setObject(2, Arrays.copyOfRange(delta, from, to));
                if (insert) {
                    ps.setObject(3, Arrays.copyOfRange(atom, from, to));
                }
                ps.executeUpdate();
            });
        }
    }

    /** Ordinals of the atoms (those with occurrences) that are in the dictionary already. */
    private Map<Long, Integer> lookup(long[] atomIds, long[] occurrences) throws SQLException {
        int used = 0;
        for (long o : occurrences) {
            used += o != 0 ? 1 : 0;
        }
        Long[] ids = new Long[used];
        int k = 0;
        for (int i = 0; i < atomIds.length; i++) {
            if (occurrences[i] != 0) {
                ids[k++] = atomIds[i];
            }
        }
        Map<Long, Integer> known = new HashMap<>(used * 2);
        if (used == 0) {
            return known;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT d.AtomId, d.Ordinal FROM TABLE(A BIGINT = ?) t "
                + "JOIN " + table + " d ON d." + owner + " = ? AND d.AtomId = t.A")) {
            ps.setFetchSize(Rows.BULK_FETCH);
            ps.setLong(2, ownerId);
            ArrayPieces.each(used, (from, to) -> {
                ps.setObject(1, Arrays.copyOfRange(ids, from, to));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        known.put(rs.getLong(1), rs.getInt(2));
                    }
                }
            });
        }
        return known;
    }

    /**
     * One step down the primary key from its far end: H2 computes {@code MAX(Ordinal) WHERE owner = ?} by reading
     * every entry of the owner (100 ms for 500,000), once per chunk, but walks the index backwards for this ORDER BY.
     */
    private int nextOrdinal() throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT Ordinal + 1 FROM " + table + " WHERE " + owner
                + " = ? ORDER BY " + owner + " DESC, Ordinal DESC LIMIT 1")) {
            ps.setLong(1, ownerId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    /** The atom of each ordinal asked for; an ordinal without an entry is a broken segment. */
    Map<Integer, Long> atomIds(Iterable<Integer> ordinals) throws SQLException {
        java.util.List<Integer> asked = new java.util.ArrayList<>();
        ordinals.forEach(asked::add);
        Map<Integer, Long> ids = new HashMap<>(asked.size() * 2);
        if (asked.isEmpty()) {
            return ids;
        }
        Integer[] all = asked.toArray(new Integer[0]);
        try (PreparedStatement ps = c.prepareStatement("SELECT d.Ordinal, d.AtomId FROM TABLE(O INT = ?) t "
                + "JOIN " + table + " d ON d." + owner + " = ? AND d.Ordinal = t.O")) {
            ps.setFetchSize(Rows.BULK_FETCH);
            ps.setLong(2, ownerId);
            ArrayPieces.each(all.length, (from, to) -> {
                ps.setObject(1, Arrays.copyOfRange(all, from, to));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.put(rs.getInt(1), rs.getLong(2));
                    }
                }
            });
        }
        if (ids.size() != asked.size()) {
            throw new SQLException(owner + " " + ownerId + " has segment ordinals its dictionary (" + table
                    + ") lacks");
        }
        return ids;
    }
}
