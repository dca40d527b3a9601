package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.atoms.ContentHash;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reference counts one deletion batch gives back, inside its transaction: every removed position that pointed at
 * an atom decrements it by one, then leaves nothing holds any longer are deleted ({@link AtomPurges#UNHELD}). Atoms
 * are touched in ContentHash order like {@link AtomUpserter} touches them, so a deletion and a concurrent chunk of
 * an overlapping file never wait on each other in a cycle; a chunk that found an atom this batch then deleted sees
 * its increment update no row, or the purge counted in {@link AtomPurges}, and retries (docs/decisions.md
 * "Reference-count races").
 */
final class AtomRelease {
    private final Connection c;
    private final Map<Long, Long> decrements = new HashMap<>();
    private final Set<Long> candidates = new LinkedHashSet<>();
    private long purged;

    AtomRelease(Connection c) {
        this.c = c;
    }

    /** One removed row pointed at this atom. */
    void add(long atomId) {
        add(atomId, 1);
    }

    /** {@code positions} removed positions pointed at this atom. */
    void add(long atomId, long positions) {
        decrements.merge(atomId, positions, Long::sum);
        candidates.add(atomId);
    }

    /** The atom may be unreferenced now without a decrement (its dictionary entry went). */
    void candidate(long atomId) {
        candidates.add(atomId);
    }

    /** Leaf atoms deleted by {@link #apply} so far. */
    long purged() {
        return purged;
    }

    void apply() throws SQLException {
        List<Long> ordered = inHashOrder(candidates);
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE Atoms SET ReferenceCount = ReferenceCount - ? WHERE AtomId = ?")) {
            int batched = 0;
            for (long id : ordered) {
                Long n = decrements.get(id);
                if (n != null) {
                    ps.setLong(1, n);
                    ps.setLong(2, id);
                    ps.addBatch();
                    batched++;
                }
            }
            if (batched > 0) {
                ps.executeBatch();
            }
        }
        if (!ordered.isEmpty()) {
            AtomPurges.announce(c);
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM Atoms WHERE AtomId = ? AND Subtype <> 'file' AND "
                + AtomPurges.UNHELD)) {
            for (long id : ordered) {
                ps.setLong(1, id);
                ps.addBatch();
            }
            if (!ordered.isEmpty()) {
                for (int deleted : ps.executeBatch()) {
                    purged += deleted;
                }
            }
        }
        decrements.clear();
        candidates.clear();
    }

    /** The ids joined against the primary key as one array (a lookup each), sorted by their content hash. */
    private List<Long> inHashOrder(Set<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<Long, ContentHash> hashes = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.AtomId, a.ContentHash FROM TABLE(ID BIGINT = ?) t "
                + "INNER JOIN Atoms a ON a.AtomId = t.ID")) {
            ps.setFetchSize(Rows.BULK_FETCH);
            ps.setObject(1, ids.toArray(Long[]::new));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    hashes.put(rs.getLong(1), ContentHash.wrap(rs.getBytes(2)));
                }
            }
        }
        List<Long> ordered = new ArrayList<>(hashes.keySet());
        ordered.sort((a, b) -> hashes.get(a).compareTo(hashes.get(b)));
        return ordered;
    }
}
