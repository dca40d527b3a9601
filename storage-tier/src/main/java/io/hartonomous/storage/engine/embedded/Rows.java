package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.engine.jdbc.ContractRows;
import io.hartonomous.storage.engine.jdbc.InstantColumn;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * The embedded engine's side of row mapping: the column lists its SELECTs name (read by name through
 * {@link ContractRows}, like the SQL Server procedures' result sets) and how it binds times.
 */
final class Rows {
    /** Contract records from rows; H2 keeps time as TIMESTAMP WITH TIME ZONE. */
    static final ContractRows RECORDS = new ContractRows(InstantColumn.WITH_OFFSET);

    /** Rows a streaming cursor fetches at a time. */
    static final int FETCH_SIZE = 4096;

    /**
     * Rows fetched per round trip by a set-based lookup or a window read, whose whole result is wanted at once: over
     * H2's TCP server every fetch is a round trip, and its default of 100 rows made a 17.9 MP photo's 0.9 M
     * dictionary and value rows cost about 9,000 of them on every read (issue 12).
     */
    static final int BULK_FETCH = 65_536;

    /**
     * Segment rows fetched per round trip by a scan of a whole file's or model's segments: a segment holds up to
     * 4,096 packed ordinals (16 KB), so this is at most 4 MB in flight, against 100 rows per trip by default.
     */
    static final int SEGMENT_FETCH = 256;

    static final String ATOM_COLUMNS =
            "a.AtomId, a.ContentHash, a.Modality, a.Subtype, a.AtomicValue, a.Metadata, a.ReferenceCount, a.CreatedAt";

    static final String JOB_COLUMNS = "JobId, TenantId, Modality, Name, State, ParentAtomId, ContentHash, "
            + "ChunksCommitted, BytesDone, BytesTotal, DistinctAtoms, NewAtoms, Compositions, Error, SourcePath, "
            + "ChildIndex, CreatedAt, UpdatedAt";

    private Rows() {
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
}
