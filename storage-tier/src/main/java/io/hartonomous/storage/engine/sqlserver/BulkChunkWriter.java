package io.hartonomous.storage.engine.sqlserver;

import com.microsoft.sqlserver.jdbc.SQLServerBulkCopy;
import com.microsoft.sqlserver.jdbc.SQLServerBulkCopyOptions;
import com.microsoft.sqlserver.jdbc.SQLServerConnection;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.ChunkReceipt;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Writes one chunk in bulk, merged set-based by a procedure. The chunk's composition rows go as segments when they
 * follow a layout ({@link StagedCompositions}: a row per run of up to 4,096 positions instead of a row per position),
 * as rows otherwise; its coefficient rows always go as tensor segments ({@link StagedTensors}), cut by the grids of
 * their tensors, which are read first on the same connection ({@link TensorGrids}). Large chunks stream their
 * distinct atoms, segments or composition rows and tensor segments
 * into the staging tables with {@code SQLServerBulkCopy} (row locks, no TABLOCK: the
 * tables are clustered on BatchId, so jobs load and merge side by side; see sql/030), tagged with a BatchId of this
 * attempt, then {@code dbo.sp_WriteChunk}
 * merges the batch and advances the job's watermark in one transaction. Small chunks go as table-valued parameters to
 * {@code dbo.sp_WriteChunkFromTables}, one round trip instead of three bulk loads. A retried attempt stages under a new
 * BatchId; rows of an attempt that never reached the merge are swept when the job completes or fails.
 */
final class BulkChunkWriter {
    private final SqlServerSettings settings;

    BulkChunkWriter(SqlServerSettings settings) {
        this.settings = settings;
    }

    /** The chunk's rows as the contract counts them (atoms, composition positions, coefficients). */
    static long rows(Chunk chunk) {
        return (long) chunk.atoms().size() + chunk.compositions().size() + chunk.coefficients().size();
    }

    /** Whether this chunk goes through table-valued parameters rather than bulk copy. */
    boolean viaTableValuedParameters(Chunk chunk) {
        return rows(chunk) <= settings.tvpMaxRows();
    }

    /** One attempt, on a connection whose session already carries the tenant. */
    ChunkReceipt write(Connection connection, long jobId, Chunk chunk) throws SQLException {
        return viaTableValuedParameters(chunk) ? writeViaTables(connection, jobId, chunk)
                : writeViaBulkCopy(connection, jobId, chunk);
    }

    /** The chunk's tensor segments; a chunk with coefficient rows first reads its tensors' grids. */
    private static StagedTensors tensors(Connection connection, long jobId, Chunk chunk) throws SQLException {
        if (chunk.coefficients().size() == 0) {
            return StagedTensors.NONE;
        }
        return StagedTensors.of(chunk.coefficients(), TensorGrids.read(connection, jobId, chunk.coefficients()));
    }

    private ChunkReceipt writeViaTables(Connection connection, long jobId, Chunk chunk) throws SQLException {
        StagedCompositions compositions = StagedCompositions.of(chunk.compositions(), settings.segments());
        StagedTensors tensors = tensors(connection, jobId, chunk);
        try (ProcedureCall call = ProcedureCall.prepare(connection, Procedures.WRITE_CHUNK_FROM_TABLES)) {
            call.setLong("JobId", jobId)
                    .setInt("ChunkIndex", chunk.chunkIndex())
                    .setLong("BytesDone", chunk.bytesDone())
                    .setTable("Atoms", ChunkRows.atoms(chunk.atoms(), null))
                    .setTable("Segments", ChunkRows.segments(compositions, null))
                    .setTable("Compositions", ChunkRows.compositions(compositions.rows(), null))
                    .setTable("TensorSegments", ChunkRows.tensorSegments(tensors, null));
            return receipt(call);
        }
    }

    private ChunkReceipt writeViaBulkCopy(Connection connection, long jobId, Chunk chunk) throws SQLException {
        ChunkRows.StagingKey key = new ChunkRows.StagingKey(UUID.randomUUID(), jobId);
        StagedCompositions compositions = StagedCompositions.of(chunk.compositions(), settings.segments());
        StagedTensors tensors = tensors(connection, jobId, chunk);
        // The driver's bulk copy needs its own connection class, not the pool's proxy.
        try (SQLServerBulkCopy bulk = new SQLServerBulkCopy(connection.unwrap(SQLServerConnection.class))) {
            bulk.setBulkCopyOptions(bulkOptions());
            load(bulk, StagingTable.ATOMS, ChunkRows.atoms(chunk.atoms(), key));
            load(bulk, StagingTable.SEGMENTS, ChunkRows.segments(compositions, key));
            load(bulk, StagingTable.COMPOSITIONS, ChunkRows.compositions(compositions.rows(), key));
            load(bulk, StagingTable.TENSOR_SEGMENTS, ChunkRows.tensorSegments(tensors, key));
        }
        try (ProcedureCall call = ProcedureCall.prepare(connection, Procedures.WRITE_CHUNK)) {
            call.setLong("JobId", jobId)
                    .setInt("ChunkIndex", chunk.chunkIndex())
                    .setGuid("BatchId", key.batchId())
                    .setLong("BytesDone", chunk.bytesDone());
            return receipt(call);
        }
    }

    SQLServerBulkCopyOptions bulkOptions() throws SQLException {
        SQLServerBulkCopyOptions options = new SQLServerBulkCopyOptions();
        // No TABLOCK: on a clustered table it would serialize every job's loads (sql/030 says why).
        options.setTableLock(false);
        options.setBatchSize(settings.bulkBatchRows());
        options.setBulkCopyTimeout(settings.bulkTimeoutSeconds());
        // Each batch commits on its own: the staged rows mean nothing until sp_WriteChunk merges them in its
        // transaction, and a failed attempt's rows are swept by BatchId / JobId.
        options.setUseInternalTransaction(false);
        return options;
    }

    /** Streams the rows into a staging table; columns are mapped by name, in the table's order. */
    static void load(SQLServerBulkCopy bulk, StagingTable table, ColumnarRows rows) throws SQLException {
        if (!rows.columns().equals(table.columns())) {
            throw new IllegalArgumentException("rows for " + table.tableName() + " do not have its columns");
        }
        if (rows.rowCount() == 0) {
            return;
        }
        bulk.clearColumnMappings();
        bulk.setDestinationTableName(table.tableName());
        for (int i = 0; i < rows.columns().size(); i++) {
            bulk.addColumnMapping(i + 1, table.columns().get(i).name());
        }
        bulk.writeToServer(rows);
    }

    private static ChunkReceipt receipt(ProcedureCall call) throws SQLException {
        List<ChunkReceipt> receipts = call.query(BulkChunkWriter::receipt);
        if (receipts.size() != 1) {
            throw new SQLException(call.procedure().name() + " returned " + receipts.size() + " receipts");
        }
        return receipts.getFirst();
    }

    static ChunkReceipt receipt(ResultSet rs) throws SQLException {
        return new ChunkReceipt(rs.getInt("ChunkIndex"), rs.getBoolean("AlreadyCommitted"),
                rs.getInt("DistinctAtoms"), rs.getInt("NewAtoms"), rs.getLong("CompositionRows"),
                rs.getLong("CoefficientRows"));
    }
}
