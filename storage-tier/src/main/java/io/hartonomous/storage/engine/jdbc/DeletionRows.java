package io.hartonomous.storage.engine.jdbc;

import io.hartonomous.storage.contract.deletion.DeletionJob;
import io.hartonomous.storage.contract.deletion.DeletionState;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Deletion jobs from rows of either engine (the same column names: DeletionJobs, embedded/130 and sql/077). */
public final class DeletionRows {
    public static final String COLUMNS = "JobId, TenantId, FileAtomId, State, Erase, OwnershipOnly, RowsDone, "
            + "RowsTotal, LeavesPurged, Error, CreatedAt, UpdatedAt";

    private DeletionRows() {
    }

    public static DeletionJob job(ContractRows rows, ResultSet rs) throws SQLException {
        return new DeletionJob(rs.getLong("JobId"), rs.getString("TenantId"), rs.getLong("FileAtomId"),
                DeletionState.valueOf(rs.getString("State")), rs.getBoolean("Erase"), rs.getBoolean("OwnershipOnly"),
                rs.getLong("RowsDone"), rs.getLong("RowsTotal"), rs.getLong("LeavesPurged"), rs.getString("Error"),
                rows.instant(rs, "CreatedAt"), rows.instant(rs, "UpdatedAt"));
    }

    /**
     * The content hash a file being deleted takes instead of its own, so that its content address is free at once: a
     * file of the same bytes ingested during the deletion becomes a fresh atom instead of a new owner of rows that are
     * going away. SHA-256 of "hartonomous:deleted-file:" and the atom id: never a typed content hash, unique per
     * atom. SQL Server computes the same (HASHBYTES, sql/078).
     */
    public static byte[] detachedHash(long atomId) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(("hartonomous:deleted-file:" + atomId).getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
