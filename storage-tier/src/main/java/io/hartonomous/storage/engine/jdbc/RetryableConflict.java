package io.hartonomous.storage.engine.jdbc;

/**
 * Thrown inside a unit of work to have it run again: the work lost a race the database did not report as one (a
 * unique-key insert another writer won, a row that vanished under it). The unit was rolled back whole, or wrote
 * nothing, so running it again is safe.
 */
public final class RetryableConflict extends RuntimeException {
    public RetryableConflict(String message) {
        super(message, null, false, false);
    }

    public RetryableConflict(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
