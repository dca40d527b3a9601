package io.hartonomous.storage.engine.sqlserver;

/**
 * Tuning of the SQL Server engine.
 *
 * @param tvpMaxRows       chunks with at most this many rows (atoms + compositions + coefficients) go as table-valued
 *                         parameters in one round trip; larger ones are bulk-copied into staging
 * @param bulkBatchRows    rows per bulk-copy batch: the ingest tier's default chunk (65,536 rows) fits one batch, and
 *                         a larger chunk is split so no single batch grows without bound
 * @param bulkTimeoutSeconds seconds one bulk-copy operation may take
 * @param maxAttempts      how often a unit of work that lost a race (deadlock victim, lock time-out) is run
 * @param segments         composition rows that follow a layout are stored as segments (docs/decisions.md,
 *                         "Segments on SQL Server"); off, every position is a row of dbo.AtomCompositionRows, as
 *                         before segments (what dbo.sp_MigrateCompositionRows converts)
 */
public record SqlServerSettings(int tvpMaxRows, int bulkBatchRows, int bulkTimeoutSeconds, int maxAttempts,
                                boolean segments) {
    public static final SqlServerSettings DEFAULTS = new SqlServerSettings(1024, 65_536, 600, 8, true);

    public SqlServerSettings {
        if (tvpMaxRows < 0 || bulkBatchRows < 1 || bulkTimeoutSeconds < 0 || maxAttempts < 1) {
            throw new IllegalArgumentException("invalid SQL Server engine settings");
        }
    }

    /** Every chunk that has rows through bulk copy (tests of the production path). */
    public SqlServerSettings alwaysBulkCopy() {
        return new SqlServerSettings(0, bulkBatchRows, bulkTimeoutSeconds, maxAttempts, segments);
    }

    /** Every chunk through table-valued parameters. */
    public SqlServerSettings alwaysTableValuedParameters() {
        return new SqlServerSettings(Integer.MAX_VALUE, bulkBatchRows, bulkTimeoutSeconds, maxAttempts, segments);
    }

    /** Every position a row, as the engine wrote them before segments (tests of the migration). */
    public SqlServerSettings rowsOnly() {
        return new SqlServerSettings(tvpMaxRows, bulkBatchRows, bulkTimeoutSeconds, maxAttempts, false);
    }
}
