package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.ingest.JobState;
import io.hartonomous.storage.contract.atoms.Modality;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** Mapping between rows and contract records, shared by the embedded engine's features. */
final class Rows {
    static final String ATOM_COLUMNS =
            "a.AtomId, a.ContentHash, a.Modality, a.Subtype, a.AtomicValue, a.Metadata, a.ReferenceCount, a.CreatedAt";

    static final String JOB_COLUMNS = "JobId, TenantId, Modality, Name, State, ParentAtomId, ContentHash, "
            + "ChunksCommitted, BytesDone, BytesTotal, DistinctAtoms, NewAtoms, Compositions, Error, SourcePath, "
            + "ChildIndex, CreatedAt, UpdatedAt";

    private Rows() {
    }

    static Atom atom(ResultSet rs) throws SQLException {
        return new Atom(rs.getLong(1), ContentHash.wrap(rs.getBytes(2)),
                AtomType.of(Modality.fromWireName(rs.getString(3)), rs.getString(4)), rs.getBytes(5),
                rs.getString(6), rs.getLong(7), instant(rs, 8));
    }

    static IngestionJob job(ResultSet rs) throws SQLException {
        return new IngestionJob(rs.getLong(1), rs.getString(2), Modality.fromWireName(rs.getString(3)),
                rs.getString(4), JobState.valueOf(rs.getString(5)), rs.getLong(6), ContentHash.wrap(rs.getBytes(7)),
                rs.getInt(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getLong(13),
                rs.getString(14), rs.getString(15), rs.getObject(16, Integer.class), instant(rs, 17), instant(rs, 18));
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
        if (instant == null) {
            ps.setNull(index, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(index, instant.atOffset(ZoneOffset.UTC));
        }
    }

    /** The database keeps microseconds; compare and store instants at that precision. */
    static Instant micros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.from(instant);
    }
}
