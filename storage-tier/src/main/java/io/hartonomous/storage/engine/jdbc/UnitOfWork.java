package io.hartonomous.storage.engine.jdbc;

import io.hartonomous.storage.contract.StorageException;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * Runs an engine's units of work on pooled connections. Every unit checks a connection out, prepares it the engine's
 * way (SQL Server sets the tenant's SESSION_CONTEXT; H2 needs nothing), runs, and gives the connection back. A unit
 * that lost a race (the engine's {@link SqlFailures} say which errors are one; work may also throw
 * {@link RetryableConflict}) was rolled back whole, so it runs again on a fresh connection after a short random
 * back-off, up to the engine's number of attempts. Any other failure is mapped to a contract exception at once.
 */
public final class UnitOfWork {
    /** The work of one unit, on the connection it was given. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** What an engine does to every connection it checks out, before the work. */
    @FunctionalInterface
    public interface ConnectionSetup {
        void prepare(Connection connection) throws SQLException;
    }

    @FunctionalInterface
    private interface Attempt<T> {
        T run() throws SQLException;
    }

    private final DataSource pool;
    private final SqlFailures failures;
    private final int maxAttempts;
    private final long backOffStepMillis;
    private final ConnectionSetup setup;
    private final OperationTimings timings;

    /**
     * @param maxAttempts       how often a unit that keeps losing races runs before it gives up
     * @param backOffStepMillis the random pause before attempt n+1 is at most n times this
     */
    public UnitOfWork(DataSource pool, SqlFailures failures, int maxAttempts, long backOffStepMillis) {
        this(pool, failures, maxAttempts, backOffStepMillis, connection -> { }, null);
    }

    private UnitOfWork(DataSource pool, SqlFailures failures, int maxAttempts, long backOffStepMillis,
                       ConnectionSetup setup, OperationTimings timings) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (backOffStepMillis < 1) {
            throw new IllegalArgumentException("backOffStepMillis must be at least 1");
        }
        this.pool = pool;
        this.failures = failures;
        this.maxAttempts = maxAttempts;
        this.backOffStepMillis = backOffStepMillis;
        this.setup = setup;
        this.timings = timings;
    }

    /** The same units, each on a connection that {@code setup} prepared first. */
    public UnitOfWork preparing(ConnectionSetup connectionSetup) {
        return new UnitOfWork(pool, failures, maxAttempts, backOffStepMillis, connectionSetup, timings);
    }

    /** The same units, each one's duration (all its attempts) recorded under its name in {@code into}. */
    public UnitOfWork timed(OperationTimings into) {
        return new UnitOfWork(pool, failures, maxAttempts, backOffStepMillis, setup, into);
    }

    /** Work in auto-commit (each statement its own transaction, or one a procedure owns); run again on a race. */
    public <T> T run(String what, Work<T> work) {
        return retried(what, () -> attempt(work, false));
    }

    /** Work in auto-commit, run once: reads that take no locks and so lose no races. */
    public <T> T read(String what, Work<T> work) {
        return once(what, () -> attempt(work, false));
    }

    /** Work in one transaction: all of it commits or none of it; run again on a race. */
    public <T> T inTransaction(String what, Work<T> work) {
        return retried(what, () -> attempt(work, true));
    }

    /**
     * Work in one transaction, run once: for work that is not the engine's to run twice, such as a receive that hands
     * rows to the caller's handler before it commits. Commits when the work returns, rolls back when it throws.
     */
    public <T> T inTransactionOnce(String what, Work<T> work) {
        return once(what, () -> attempt(work, true));
    }

    /**
     * Streams the rows of a cursor. Opening is a unit of work like any other (run again on a race), so the
     * statement's own errors are thrown here, not on the first read; the stream then holds its connection until it
     * is closed.
     */
    public <T> Stream<T> stream(String what, Cursor.Opener opener, RowMapper<T> mapper) {
        Cursor cursor = retried(what, () -> open(opener));
        return cursor.stream(what, mapper, failures.toContract());
    }

    private <T> T attempt(Work<T> work, boolean transaction) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            setup.prepare(connection);
            return transaction ? inOneTransaction(connection, work) : work.run(connection);
        }
    }

    /**
     * Work in one transaction on a connection the caller holds (a unit's, or one outside any pool such as the schema
     * connection an engine opens with; both come in auto-commit): commits when the work returns, rolls back when it
     * throws, and puts the connection back in auto-commit.
     */
    public static <T> T inOneTransaction(Connection connection, Work<T> work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException | Error e) {
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException ignored) {
                // a broken connection: the pool discards it
            }
        }
    }

    private Cursor open(Cursor.Opener opener) throws SQLException {
        Connection connection = pool.getConnection();
        try {
            setup.prepare(connection);
            return opener.open(connection);
        } catch (SQLException | RuntimeException | Error e) {
            Cursor.closeQuietly(connection);
            throw e;
        }
    }

    private <T> T once(String what, Attempt<T> attempt) {
        long start = System.nanoTime();
        try {
            return attempt.run();
        } catch (SQLException e) {
            throw failures.toContract().apply(what, e);
        } finally {
            timed(what, start);
        }
    }

    private <T> T retried(String what, Attempt<T> attempt) {
        long start = System.nanoTime();
        try {
            return retriedUntimed(what, attempt);
        } finally {
            timed(what, start);
        }
    }

    private void timed(String what, long startNanos) {
        if (timings != null) {
            timings.record(what, System.nanoTime() - startNanos);
        }
    }

    private <T> T retriedUntimed(String what, Attempt<T> attempt) {
        RuntimeException lastRace = null;
        for (int n = 1; n <= maxAttempts; n++) {
            try {
                return attempt.run();
            } catch (SQLException e) {
                RuntimeException mapped = failures.toContract().apply(what, e);
                if (!failures.isRace().test(e)) {
                    throw mapped;
                }
                lastRace = mapped;
            } catch (RetryableConflict e) {
                lastRace = e;
            }
            if (n < maxAttempts) {
                backOff(n);
            }
        }
        throw new StorageException(what + ": gave up after " + maxAttempts + " attempts lost to concurrent writers",
                lastRace);
    }

    private void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, backOffStepMillis * attempt + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while retrying a unit of work", e);
        }
    }
}
