package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.engine.jdbc.RetryableConflict;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Deduplicating upsert of leaf atoms inside the caller's transaction. Each atom's ReferenceCount grows by exactly the
 * number of new rows that point at it. Rows are touched in ContentHash order so concurrent writers lock in the same
 * order; a lost insert race (another writer inserted the same hash first) asks the transaction to retry.
 */
final class AtomUpserter {

    /**
     * Ids of the upserted atoms (by ordinal; 0 where the delta was 0 and the atom was skipped), which of them this
     * upsert inserted (by ordinal), the new-atom count, and the reference-count increments still owed to atoms that
     * already existed (see {@link #bumpExisting}).
     */
    record Result(long[] atomIds, boolean[] created, int newAtoms, int distinctAtoms, long[] existingIds,
                  long[] existingDeltas) {
    }

    /** Resolves, inserts the new atoms, and bumps the existing ones at once. */
    Result upsert(Connection c, List<NewAtom> atoms, long[] referenceDelta) throws SQLException {
        Result result = resolve(c, atoms, referenceDelta);
        bumpExisting(c, result);
        return result;
    }

    /**
     * Finds the chunk's atoms and inserts the missing ones (with their full reference count), without touching rows
     * other writers share. The caller writes its rows next and calls {@link #bumpExisting} last, so shared atoms stay
     * locked only for the end of the transaction.
     */
    Result resolve(Connection c, List<NewAtom> atoms, long[] referenceDelta) throws SQLException {
        int n = atoms.size();
        long[] ids = new long[n];
        Integer[] order = new Integer[n];
        int used = 0;
        for (int i = 0; i < n; i++) {
            if (referenceDelta[i] > 0) {
                order[used++] = i;
            }
        }
        Integer[] sorted = Arrays.copyOf(order, used);
        Arrays.sort(sorted, Comparator.comparing(i -> atoms.get(i).contentHash()));
        if (used == 0) {
            return new Result(ids, new boolean[n], 0, 0, new long[0], new long[0]);
        }

        Map<ContentHash, Long> existing = findExisting(c, atoms, sorted);
        long[] existingIds = new long[existing.size()];
        long[] existingDeltas = new long[existing.size()];
        int found = 0;
        for (int ordinal : sorted) {
            Long id = existing.get(atoms.get(ordinal).contentHash());
            if (id != null) {
                ids[ordinal] = id;
                existingIds[found] = id;
                existingDeltas[found++] = referenceDelta[ordinal];
            }
        }

        boolean[] created = new boolean[n];
        int inserted = insertMissing(c, atoms, referenceDelta, sorted, existing, ids, created);
        return new Result(ids, created, inserted, used, existingIds, existingDeltas);
    }

    /**
     * Inserts the atoms not found, in ContentHash order, as one statement per piece of arrays: a JDBC batch costs a
     * round trip per row over H2's TCP server ({@code ./hart serve}), an array a round trip per piece.
     */
    private static int insertMissing(Connection c, List<NewAtom> atoms, long[] referenceDelta, Integer[] sorted,
                                     Map<ContentHash, Long> existing, long[] ids, boolean[] created)
            throws SQLException {
        Integer[] missing = Arrays.stream(sorted).filter(o -> !existing.containsKey(atoms.get(o).contentHash()))
                .toArray(Integer[]::new);
        if (missing.length == 0) {
            return 0;
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO Atoms (ContentHash, Modality, Subtype, "
                + "AtomicValue, ReferenceCount) SELECT t.H, t.M, t.S, t.V, t.R FROM TABLE(H BINARY(32) = ?, "
                + "M VARCHAR(16) = ?, S VARCHAR(16) = ?, V VARBINARY(64) = ?, R BIGINT = ?) t",
                Statement.RETURN_GENERATED_KEYS)) {
            insert.setFetchSize(Rows.BULK_FETCH);
            ArrayPieces.each(missing.length, (from, to) -> {
                int k = to - from;
                byte[][] hash = new byte[k][];
                String[] modality = new String[k];
                String[] subtype = new String[k];
                byte[][] value = new byte[k][];
                Long[] references = new Long[k];
                for (int i = 0; i < k; i++) {
                    int ordinal = missing[from + i];
                    NewAtom atom = atoms.get(ordinal);
                    hash[i] = atom.contentHash().bytes();
                    modality[i] = atom.type().modality().wireName();
                    subtype[i] = atom.type().subtype();
                    value[i] = atom.value();
                    references[i] = referenceDelta[ordinal];
                }
                insert.setObject(1, hash);
                insert.setObject(2, modality);
                insert.setObject(3, subtype);
                insert.setObject(4, value);
                insert.setObject(5, references);
                try {
                    insert.executeUpdate();
                } catch (SQLException e) {
                    if (H2Errors.isUniqueViolation(e)) {
                        throw new RetryableConflict("another writer inserted the same atom first");
                    }
                    throw e;
                }
                // The keys come in the order of the array (INSERT ... SELECT over TABLE inserts row by row).
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    int i = 0;
                    while (keys.next()) {
                        int ordinal = missing[from + i++];
                        ids[ordinal] = keys.getLong(1);
                        created[ordinal] = true;
                    }
                    if (i != k) {
                        throw new SQLException("expected " + k + " generated atom ids, got " + i);
                    }
                }
            });
        }
        return missing.length;
    }

    /** Adds the owed increments to atoms that existed before, in ContentHash order (no lock cycles). */
    void bumpExisting(Connection c, Result result) throws SQLException {
        addReferences(c, result.existingIds(), result.existingDeltas());
    }

    /**
     * ReferenceCount += deltas[i] for ids[i], in the given order (callers pass ContentHash order), one statement per
     * piece of arrays (see {@link #insertMissing} on batches over TCP).
     */
    static void addReferences(Connection c, long[] ids, long[] deltas) throws SQLException {
        if (ids.length == 0) {
            return;
        }
        try (PreparedStatement update = c.prepareStatement("MERGE INTO Atoms a USING TABLE(I BIGINT = ?, "
                + "D BIGINT = ?) s ON a.AtomId = s.I WHEN MATCHED THEN UPDATE SET ReferenceCount = "
                + "a.ReferenceCount + s.D")) {
            ArrayPieces.each(ids.length, (from, to) -> {
                Long[] id = new Long[to - from];
                Long[] delta = new Long[to - from];
                for (int i = from; i < to; i++) {
                    id[i - from] = ids[i];
                    delta[i - from] = deltas[i];
                }
                update.setObject(1, id);
                update.setObject(2, delta);
                if (update.executeUpdate() != to - from) {
                    // A failing job removed an atom after we looked it up.
                    throw new RetryableConflict("atom vanished during upsert");
                }
            });
        }
    }

    /**
     * The chunk's hashes travel as one array joined against the unique index (a lookup per hash); {@code = ANY(?)}
     * would compare every stored atom with every hash.
     */
    private static Map<ContentHash, Long> findExisting(Connection c, List<NewAtom> atoms, Integer[] ordinals)
            throws SQLException {
        byte[][] hashes = new byte[ordinals.length][];
        for (int i = 0; i < ordinals.length; i++) {
            hashes[i] = atoms.get(ordinals[i]).contentHash().bytes();
        }
        Map<ContentHash, Long> found = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.AtomId, a.ContentHash FROM TABLE(H BINARY(32) = ?) t "
                + "INNER JOIN Atoms a ON a.ContentHash = t.H")) {
            ps.setFetchSize(Rows.BULK_FETCH);
            ArrayPieces.each(hashes.length, (from, to) -> {
                ps.setObject(1, Arrays.copyOfRange(hashes, from, to));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.put(ContentHash.wrap(rs.getBytes(2)), rs.getLong(1));
                    }
                }
            });
        }
        return found;
    }
}
