package io.hartonomous.storage.contract.ooda;

/**
 * The only kinds of change the loop makes. {@link #revertible()} says whether Learn can undo it when the re-measured
 * observation got worse; the others cannot be undone (the earlier state is not kept) and are safe because they only
 * re-derive what the data already implies, or delete what is past the retention the operator set.
 */
public enum ActionKind {
    /** Refresh optimizer statistics (H2 ANALYZE, SQL Server UPDATE STATISTICS). No revert. */
    UPDATE_STATISTICS(false),
    /** SQL Server ALTER INDEX ... REORGANIZE. No revert. */
    REORGANIZE_INDEX(false),
    /** SQL Server ALTER INDEX ... REBUILD. No revert. */
    REBUILD_INDEX(false),
    /** Re-derive an embedding type's landmarks and re-project it. No revert (the old landmarks are replaced). */
    REBUILD_PROJECTION(false),
    /** Delete history rows older than the retention. No revert (the rows are gone). */
    PURGE_HISTORY(false),
    /** Force a query's last good plan (SQL Server Query Store); reverted by unforcing it. */
    FORCE_PLAN(true);

    private final boolean revertible;

    ActionKind(boolean revertible) {
        this.revertible = revertible;
    }

    public boolean revertible() {
        return revertible;
    }
}
