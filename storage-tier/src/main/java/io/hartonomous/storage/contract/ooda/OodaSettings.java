package io.hartonomous.storage.contract.ooda;

import java.time.Duration;

/**
 * How the loop acts: {@code dryRun} records what it would do and changes nothing; {@code requireApproval} makes every
 * proposal wait for an operator; at most {@code maxChangesPerCycle} actions are applied per cycle;
 * {@code historyRetention} is how long history rows (weights and layers as they were) are kept before the loop
 * proposes purging them.
 */
public record OodaSettings(boolean dryRun, boolean requireApproval, int maxChangesPerCycle,
                           Duration historyRetention) {
    public static final int MAX_CHANGES_LIMIT = 1000;
    /** What a new database starts with: dry run, approval required, five changes, 90 days of history. */
    public static final OodaSettings DEFAULTS = new OodaSettings(true, true, 5, Duration.ofDays(90));

    public OodaSettings {
        if (maxChangesPerCycle < 0 || maxChangesPerCycle > MAX_CHANGES_LIMIT) {
            throw new IllegalArgumentException("maxChangesPerCycle must be between 0 and " + MAX_CHANGES_LIMIT
                    + ", got " + maxChangesPerCycle);
        }
        if (historyRetention == null || historyRetention.toSeconds() < 1) {
            throw new IllegalArgumentException("historyRetention must be at least one second, got "
                    + historyRetention);
        }
    }

    public OodaSettings withDryRun(boolean value) {
        return new OodaSettings(value, requireApproval, maxChangesPerCycle, historyRetention);
    }

    public OodaSettings withRequireApproval(boolean value) {
        return new OodaSettings(dryRun, value, maxChangesPerCycle, historyRetention);
    }

    public OodaSettings withHistoryRetention(Duration value) {
        return new OodaSettings(dryRun, requireApproval, maxChangesPerCycle, value);
    }
}
