package io.hartonomous.benchmarks.ingest;

import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.local.LocalStorage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What any ingest of a file into the embedded engine must at least do, on segments: store each distinct atom once
 * (its row, with the hash index every dedup needs) and its file's dictionary entry. Measured by copying a stored
 * file's distinct atoms and dictionary into a fresh database with set-based inserts of 65,536 rows, one transaction
 * each: no positions, no lookups, no reference counting. The ratio of an ingest to this is how far it is from H2's
 * own floor for the same file.
 */
final class DistinctFloor {
    private static final int PIECE = 65_536;

    private record Distinct(byte[] hash, String modality, String subtype, byte[] value, int ordinal) {
    }

    private DistinctFloor() {
    }

    /** Milliseconds to insert file {@code parent}'s distinct atoms (read from {@code stored}) into {@code fresh}. */
    static double measure(java.nio.file.Path stored, long parent, java.nio.file.Path fresh) throws SQLException {
        List<Distinct> atoms = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(LocalStorage.embeddedFile(stored).url(),
                LocalStorage.DEFAULT_USER, "");
             PreparedStatement ps = c.prepareStatement("SELECT a.ContentHash, a.Modality, a.Subtype, a.AtomicValue, "
                     + "d.Ordinal FROM CompositionDictionary d JOIN Atoms a ON a.AtomId = d.AtomId "
                     + "WHERE d.ParentAtomId = ?")) {
            ps.setLong(1, parent);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    atoms.add(new Distinct(rs.getBytes(1), rs.getString(2), rs.getString(3), rs.getBytes(4),
                            rs.getInt(5)));
                }
            }
        }
        StorageEngines.open(LocalStorage.embeddedFile(fresh)).close();
        try (Connection c = DriverManager.getConnection(LocalStorage.embeddedFile(fresh).url(),
                LocalStorage.DEFAULT_USER, "")) {
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            try (PreparedStatement file = c.prepareStatement("INSERT INTO Atoms (ContentHash, Modality, Subtype, "
                    + "ReferenceCount) VALUES (X'" + "00".repeat(32) + "', 'image', 'file', 0)",
                    java.sql.Statement.RETURN_GENERATED_KEYS);
                 PreparedStatement insert = c.prepareStatement("INSERT INTO Atoms (ContentHash, Modality, Subtype, "
                         + "AtomicValue, ReferenceCount) SELECT t.H, t.M, t.S, t.V, 1 FROM TABLE(H BINARY(32) = ?, "
                         + "M VARCHAR(16) = ?, S VARCHAR(16) = ?, V VARBINARY(64) = ?) t",
                         java.sql.Statement.RETURN_GENERATED_KEYS);
                 PreparedStatement entries = c.prepareStatement("INSERT INTO CompositionDictionary (ParentAtomId, "
                         + "Ordinal, AtomId, Occurrences) SELECT CAST(? AS BIGINT), t.O, t.A, 1 FROM "
                         + "TABLE(O INT = ?, A BIGINT = ?) t")) {
                file.executeUpdate();
                long fileId;
                try (ResultSet keys = file.getGeneratedKeys()) {
                    keys.next();
                    fileId = keys.getLong(1);
                }
                for (int from = 0; from < atoms.size(); from += PIECE) {
                    List<Distinct> piece = atoms.subList(from, Math.min(atoms.size(), from + PIECE));
                    insert.setObject(1, piece.stream().map(Distinct::hash).toArray(byte[][]::new));
                    insert.setObject(2, piece.stream().map(Distinct::modality).toArray(String[]::new));
                    insert.setObject(3, piece.stream().map(Distinct::subtype).toArray(String[]::new));
                    insert.setObject(4, piece.stream().map(Distinct::value).toArray(byte[][]::new));
                    insert.executeUpdate();
                    Long[] ids = new Long[piece.size()];
                    try (ResultSet keys = insert.getGeneratedKeys()) {
                        for (int i = 0; keys.next(); i++) {
                            ids[i] = keys.getLong(1);
                        }
                    }
                    entries.setLong(1, fileId);
                    entries.setObject(2, piece.stream().map(Distinct::ordinal).toArray(Integer[]::new));
                    entries.setObject(3, ids);
                    entries.executeUpdate();
                    c.commit();
                }
            }
            return (System.nanoTime() - t0) / 1e6;
        }
    }
}
