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
     * Ids of the upserted atoms (by ordinal; 0 where the delta was 0 and the atom was skipped), the new-atom count,
     * and the reference-count increments still owed to atoms that already existed (see {@link #bumpExisting}).
     */
    record Result(long[] atomIds, int newAtoms, int distinctAtoms, long[] existingIds, long[] existingDeltas) {
        /** The same, owing nothing to the atoms of {@code held} (chunk ordinals whose references wait). */
        Result exceptOrdinals(boolean[] held) {
            java.util.Set<Long> skip = new java.util.HashSet<>();
            for (int i = 0; i < held.length; i++) {
                if (held[i] && atomIds[i] != 0) {
                    skip.add(atomIds[i]);
                }
            }
            if (skip.isEmpty()) {
                return this;
            }
            long[] ids = new long[existingIds.length];
            long[] deltas = new long[existingIds.length];
            int k = 0;
            for (int i = 0; i < existingIds.length; i++) {
                if (!skip.contains(existingIds[i])) {
                    ids[k] = existingIds[i];
                    deltas[k++] = existingDeltas[i];
                }
            }
            return new Result(atomIds, newAtoms, distinctAtoms, Arrays.copyOf(ids, k), Arrays.copyOf(deltas, k));
        }
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
            return new Result(ids, 0, 0, new long[0], new long[0]);
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

        int inserted = 0;
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO Atoms (ContentHash, Modality, Subtype, AtomicValue, ReferenceCount) VALUES (?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            int[] insertedOrdinals = new int[used];
            for (int ordinal : sorted) {
                NewAtom atom = atoms.get(ordinal);
                if (!existing.containsKey(atom.contentHash())) {
                    insert.setBytes(1, atom.contentHash().bytes());
                    insert.setString(2, atom.type().modality().wireName());
                    insert.setString(3, atom.type().subtype());
                    insert.setBytes(4, atom.value());
                    insert.setLong(5, referenceDelta[ordinal]);
                    insert.addBatch();
                    insertedOrdinals[inserted++] = ordinal;
                }
            }
            if (inserted > 0) {
                try {
                    insert.executeBatch();
                } catch (SQLException e) {
                    if (H2Errors.isUniqueViolation(e) || isUniqueViolationInBatch(e)) {
                        throw new RetryableConflict("another writer inserted the same atom first");
                    }
                    throw e;
                }
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    int k = 0;
                    while (keys.next()) {
                        ids[insertedOrdinals[k++]] = keys.getLong(1);
                    }
                    if (k != inserted) {
                        throw new SQLException("expected " + inserted + " generated atom ids, got " + k);
                    }
                }
            }
        }
        return new Result(ids, inserted, used, existingIds, existingDeltas);
    }

    /** Adds the owed increments to atoms that existed before, in ContentHash order (no lock cycles). */
    void bumpExisting(Connection c, Result result) throws SQLException {
        addReferences(c, result.existingIds(), result.existingDeltas());
    }

    /** ReferenceCount += deltas[i] for ids[i], in the given order (callers pass ContentHash order). */
    static void addReferences(Connection c, long[] ids, long[] deltas) throws SQLException {
        if (ids.length == 0) {
            return;
        }
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE Atoms SET ReferenceCount = ReferenceCount + ? WHERE AtomId = ?")) {
            for (int i = 0; i < ids.length; i++) {
                update.setLong(1, deltas[i]);
                update.setLong(2, ids[i]);
                update.addBatch();
            }
            for (int count : update.executeBatch()) {
                if (count != 1) {
                    // A failing job removed the atom after we looked it up.
                    throw new RetryableConflict("atom vanished during upsert");
                }
            }
        }
    }

    private static boolean isUniqueViolationInBatch(SQLException e) {
        for (SQLException next = e.getNextException(); next != null; next = next.getNextException()) {
            if (H2Errors.isUniqueViolation(next)) {
                return true;
            }
        }
        return e.getCause() instanceof SQLException cause && H2Errors.isUniqueViolation(cause);
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
