package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.engine.jdbc.RetryableConflict;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * When an unreferenced atom may be deleted, and how that stays safe beside chunks that keep atoms by a dictionary
 * entry alone (embedded/185). A running job adds no reference to an atom that existed before it: its entry, with
 * Occurrences 0, keeps the atom until the settlement adds the references ({@link OccurrenceSettlement}). A purge
 * cannot see a chunk's entries before the chunk commits, so purges and such chunks meet at one row: every purge
 * counts itself there first ({@link #announce}); such a chunk reads the count before it looks its atoms up
 * ({@link #seen}) and locks the row before it commits ({@link #requireNoneSince}). A purge that committed in between
 * makes the chunk retry; one still running waits for the chunk's commit, and then sees its entries.
 */
final class AtomPurges {
    /**
     * The condition (over {@code Atoms}) under which an atom may go: nothing references it, and no composition or
     * tensor dictionary lists it (a running job's entries; a model's weight history points into its dictionary).
     */
    static final String UNHELD = "Atoms.ReferenceCount = 0 AND NOT EXISTS (SELECT 1 FROM CompositionDictionary h "
            + "WHERE h.AtomId = Atoms.AtomId) AND NOT EXISTS (SELECT 1 FROM TensorDictionary h "
            + "WHERE h.AtomId = Atoms.AtomId)";

    private AtomPurges() {
    }

    /** Before a transaction deletes atoms: counts the purge, and holds the row until the purge commits. */
    static void announce(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE AtomPurges SET Purges = Purges + 1 WHERE Id = 1")) {
            if (ps.executeUpdate() != 1) {
                throw new SQLException("AtomPurges has no row (embedded/185 did not run)");
            }
        }
    }

    /** The purges committed so far; read before looking up the atoms a chunk may keep by entry alone. */
    static long seen(Connection c) throws SQLException {
        return read(c, "");
    }

    /**
     * Before committing a chunk that keeps atoms by entry alone: waits for a purge in progress, and asks for a retry
     * if any purge committed since {@code seen} (it may have deleted an atom the chunk found).
     */
    static void requireNoneSince(Connection c, long seen) throws SQLException {
        if (read(c, " FOR UPDATE") != seen) {
            throw new RetryableConflict("unreferenced atoms were purged while the chunk was written");
        }
    }

    private static long read(Connection c, String lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT Purges FROM AtomPurges WHERE Id = 1" + lock);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("AtomPurges has no row (embedded/185 did not run)");
            }
            return rs.getLong(1);
        }
    }
}
