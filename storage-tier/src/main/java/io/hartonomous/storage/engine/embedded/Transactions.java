package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.StorageException;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * Runs units of work in one transaction each, retrying those that lost a race (deadlock, lock timeout, a concurrent
 * insert of the same key): all of the work commits or none of it.
 */
final class Transactions {
    private static final int MAX_ATTEMPTS = 12;

    private final DataSource dataSource;

    Transactions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    DataSource dataSource() {
        return dataSource;
    }

    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Thrown inside work to ask for a retry (e.g. a unique-key race that another transaction won). */
    static final class RetryableConflict extends RuntimeException {
        RetryableConflict(String message) {
            super(message, null, false, false);
        }
    }

    <T> T inTransaction(Work<T> work) {
        RuntimeException lastRace = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    T result = work.run(connection);
                    connection.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(connection, e);
                    if (!isRace(e)) {
                        throw e;
                    }
                    lastRace = e instanceof RuntimeException r ? r : new StorageException(e.getMessage(), e);
                }
            } catch (SQLException e) {
                throw new StorageException("embedded storage failed: " + e.getMessage(), e);
            }
            backOff(attempt);
        }
        throw new StorageException("gave up after " + MAX_ATTEMPTS + " attempts lost to concurrent writers", lastRace);
    }

    /** Read-only work outside an explicit transaction. */
    <T> T read(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StorageException("embedded storage failed: " + e.getMessage(), e);
        }
    }

    static boolean isRace(Throwable e) {
        if (e instanceof RetryableConflict) {
            return true;
        }
        if (e instanceof SQLException sql) {
            String state = sql.getSQLState();
            // 40001 deadlock/serialization, HYT00 lock timeout; H2 90131 = row changed by a concurrent transaction.
            return "40001".equals(state) || "HYT00".equals(state) || sql.getErrorCode() == 90131;
        }
        return false;
    }

    static boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while retrying a transaction", e);
        }
    }
}
