package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.StorageException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;

/**
 * Runs the engine's units of work for one tenant (or, with {@code tenantId == null}, engine-wide). Every unit checks
 * a connection out of the pool and first sets {@code SESSION_CONTEXT(N'TenantId')} on it, which the row-level
 * security of sql/050 and every procedure read; engine-wide units set it to NULL, so a pooled connection never
 * carries a tenant into someone else's work. The procedures own their transactions, so connections stay in
 * auto-commit. A unit that lost a race (deadlock victim, lock time-out) was rolled back whole and runs again, a
 * bounded number of times.
 */
final class Session {
    /** Documented form: only literals and variables may be passed, and a parameter is a variable. */
    static final String SET_TENANT = "EXEC sys.sp_set_session_context @key = N'TenantId', @value = ?";

    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    interface Binder {
        void bind(ProcedureCall call) throws SQLException;
    }

    /** Thrown inside work to have the unit run again (e.g. a unique-key race another writer won). */
    static final class RetryableConflict extends RuntimeException {
        RetryableConflict(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private final DataSource pool;
    private final String tenantId;
    private final int maxAttempts;

    Session(DataSource pool, String tenantId, int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        this.pool = pool;
        this.tenantId = tenantId;
        this.maxAttempts = maxAttempts;
    }

    String tenantId() {
        return tenantId;
    }

    static void setTenant(Connection connection, String tenantId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SET_TENANT)) {
            if (tenantId == null) {
                ps.setNull(1, Types.NVARCHAR);
            } else {
                ps.setString(1, tenantId);
            }
            ps.execute();
        }
    }

    <T> T run(String what, Work<T> work) {
        RuntimeException lastRace = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            try (Connection connection = pool.getConnection()) {
                setTenant(connection, tenantId);
                return work.run(connection);
            } catch (SQLException e) {
                if (!SqlErrors.isRetryable(e)) {
                    throw SqlErrors.map(what, e);
                }
                lastRace = SqlErrors.map(what, e);
            } catch (RetryableConflict e) {
                lastRace = e;
            }
            backOff(attempt);
        }
        throw new StorageException(what + ": gave up after " + maxAttempts + " attempts lost to concurrent writers",
                lastRace);
    }

    /**
     * Runs work in one explicit transaction on one connection, for callers that must keep it open around their own
     * code (the provenance feed: RECEIVE, the caller's handler, then COMMIT). Commits when the work returns; rolls
     * back and rethrows when it throws, SQL failures mapped like every unit's. Not retried: the work is not the
     * engine's to run twice. The connection goes back to the pool in auto-commit, as every unit expects it.
     */
    <T> T inTransaction(String what, Work<T> work) {
        try (Connection connection = pool.getConnection()) {
            setTenant(connection, tenantId);
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
        } catch (SQLException e) {
            throw SqlErrors.map(what, e);
        }
    }

    /** Calls a procedure and maps every row of its first result set. */
    <T> List<T> list(Procedure procedure, Binder binder, RowMapper<T> mapper) {
        return run(procedure.name(), c -> {
            try (ProcedureCall call = ProcedureCall.prepare(c, procedure)) {
                binder.bind(call);
                return call.query(mapper);
            }
        });
    }

    /** Calls a procedure whose first result set has at most one row. */
    <T> Optional<T> one(Procedure procedure, Binder binder, RowMapper<T> mapper) {
        List<T> rows = list(procedure, binder, mapper);
        if (rows.size() > 1) {
            throw new StorageException(procedure.name() + " returned " + rows.size() + " rows where one was expected");
        }
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    /** Calls a procedure whose first result set must have one row. */
    <T> T single(Procedure procedure, Binder binder, RowMapper<T> mapper) {
        return one(procedure, binder, mapper).orElseThrow(() -> new StorageException(procedure.name()
                + " returned no row"));
    }

    /** Calls a procedure that returns nothing the caller needs. */
    void execute(Procedure procedure, Binder binder) {
        run(procedure.name(), c -> {
            try (ProcedureCall call = ProcedureCall.prepare(c, procedure)) {
                binder.bind(call);
                call.execute();
                return null;
            }
        });
    }

    /**
     * Streams the first result set of a procedure straight from the cursor (mssql-jdbc's default adaptive
     * buffering reads it as it goes). The stream holds the connection until it is closed. The procedure runs before
     * this returns, so its errors (not found, not visible) are thrown here, not on the first read.
     */
    <T> Stream<T> stream(Procedure procedure, Binder binder, RowMapper<T> mapper) {
        Cursor open = open(procedure, binder);
        Spliterator<T> rows = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED) {
            @Override
            public boolean tryAdvance(Consumer<? super T> action) {
                try {
                    if (!open.rs.next()) {
                        return false;
                    }
                    action.accept(mapper.map(open.rs));
                    return true;
                } catch (SQLException e) {
                    throw SqlErrors.map(procedure.name() + " while streaming", e);
                }
            }
        };
        return StreamSupport.stream(rows, false).onClose(open::close);
    }

    /** An open result set with the call and the connection it holds. */
    private record Cursor(Connection connection, ProcedureCall call, ResultSet rs) {
        void close() {
            try {
                rs.close();
            } catch (SQLException ignored) {
                // closing the call and the connection below releases it anyway
            }
            call.close();
            try {
                connection.close();
            } catch (SQLException ignored) {
                // back to the pool or gone; nothing more to release
            }
        }
    }

    private Cursor open(Procedure procedure, Binder binder) {
        RuntimeException lastRace = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            Connection connection = null;
            ProcedureCall call = null;
            try {
                connection = pool.getConnection();
                setTenant(connection, tenantId);
                call = ProcedureCall.prepare(connection, procedure);
                binder.bind(call);
                return new Cursor(connection, call, call.resultSet());
            } catch (SQLException e) {
                closeQuietly(call, connection);
                if (!SqlErrors.isRetryable(e)) {
                    throw SqlErrors.map(procedure.name(), e);
                }
                lastRace = SqlErrors.map(procedure.name(), e);
            } catch (RuntimeException e) {
                closeQuietly(call, connection);
                throw e;
            }
            backOff(attempt);
        }
        throw new StorageException(procedure.name() + ": gave up after " + maxAttempts + " attempts", lastRace);
    }

    private static void closeQuietly(ProcedureCall call, Connection connection) {
        if (call != null) {
            call.close();
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // nothing more to release
            }
        }
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 10L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while retrying a unit of work", e);
        }
    }

    /** Collects every row of a result set. */
    static <T> List<T> all(ResultSet rs, RowMapper<T> mapper) throws SQLException {
        List<T> rows = new ArrayList<>();
        while (rs.next()) {
            rows.add(mapper.map(rs));
        }
        return rows;
    }
}
