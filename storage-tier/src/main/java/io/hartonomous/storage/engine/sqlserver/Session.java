package io.hartonomous.storage.engine.sqlserver;

import com.microsoft.sqlserver.jdbc.SQLServerConnection;
import io.hartonomous.storage.contract.StorageException;
import io.hartonomous.storage.engine.jdbc.Binder;
import io.hartonomous.storage.engine.jdbc.Cursor;
import io.hartonomous.storage.engine.jdbc.RowMapper;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * The engine's units of work for one tenant (or, with {@code tenantId == null}, engine-wide), as calls of the
 * procedures of sql/. Every unit checks a connection out of the pool and first sets
 * {@code SESSION_CONTEXT(N'TenantId')} on it, which the row-level security of sql/050 and every procedure read;
 * engine-wide units set it to NULL, so a pooled connection never carries a tenant into someone else's work. The
 * procedures own their transactions, so connections stay in auto-commit. Retrying lost races is the shared
 * {@link UnitOfWork}'s.
 */
final class Session {
    /** Documented form: only literals and variables may be passed, and a parameter is a variable. */
    static final String SET_TENANT = "EXEC sys.sp_set_session_context @key = N'TenantId', @value = ?";
    /** The random pause before attempt n+1 is at most n times this. */
    static final long BACK_OFF_STEP_MILLIS = 10;

    private final UnitOfWork units;

    Session(DataSource pool, String tenantId, int maxAttempts) {
        this(new UnitOfWork(pool, SqlErrors.FAILURES, maxAttempts, BACK_OFF_STEP_MILLIS), tenantId);
    }

    /** The units of {@code engineWide}, each under this tenant. */
    Session(UnitOfWork engineWide, String tenantId) {
        this.units = engineWide.preparing(connection -> setTenant(connection, tenantId));
    }

    UnitOfWork units() {
        return units;
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

    /** Work on one connection in auto-commit; run again if it lost a race. */
    <T> T run(String what, UnitOfWork.Work<T> work) {
        return units.run(what, work);
    }

    /**
     * Runs work in one explicit transaction on one connection, for callers that must keep it open around their own
     * code (the provenance feed: RECEIVE, the caller's handler, then COMMIT). Not retried: the work is not the
     * engine's to run twice.
     */
    <T> T inTransaction(String what, UnitOfWork.Work<T> work) {
        return units.inTransactionOnce(what, work);
    }

    /**
     * Work on one connection in one SNAPSHOT transaction: every statement of it, across several procedure calls,
     * reads the database as it was when the transaction began (sql/000 allows snapshot isolation), so reads spread
     * over bounded calls are one consistent read. For reads only; run again if it lost a race. The connection goes
     * back to the pool in auto-commit at its previous isolation level.
     */
    <T> T snapshotRead(String what, UnitOfWork.Work<T> work) {
        return units.run(what, c -> {
            int isolation = c.getTransactionIsolation();
            c.setTransactionIsolation(SQLServerConnection.TRANSACTION_SNAPSHOT);
            try {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    try {
                        c.rollback();
                    } catch (SQLException rollbackFailure) {
                        e.addSuppressed(rollbackFailure);
                    }
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } finally {
                c.setTransactionIsolation(isolation);
            }
        });
    }

    /** Calls a procedure and maps every row of its first result set. */
    <T> List<T> list(Procedure procedure, Binder<ProcedureCall> binder, RowMapper<T> mapper) {
        return run(procedure.name(), c -> {
            try (ProcedureCall call = ProcedureCall.prepare(c, procedure)) {
                binder.bind(call);
                return call.query(mapper);
            }
        });
    }

    /** Calls a procedure whose first result set has at most one row. */
    <T> Optional<T> one(Procedure procedure, Binder<ProcedureCall> binder, RowMapper<T> mapper) {
        List<T> rows = list(procedure, binder, mapper);
        if (rows.size() > 1) {
            throw new StorageException(procedure.name() + " returned " + rows.size() + " rows where one was expected");
        }
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    /** Calls a procedure whose first result set must have one row. */
    <T> T single(Procedure procedure, Binder<ProcedureCall> binder, RowMapper<T> mapper) {
        return one(procedure, binder, mapper).orElseThrow(() -> new StorageException(procedure.name()
                + " returned no row"));
    }

    /** Calls a procedure that returns nothing the caller needs. */
    void execute(Procedure procedure, Binder<ProcedureCall> binder) {
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
    <T> Stream<T> stream(Procedure procedure, Binder<ProcedureCall> binder, RowMapper<T> mapper) {
        return units.stream(procedure.name(), connection -> {
            ProcedureCall call = ProcedureCall.prepare(connection, procedure);
            try {
                binder.bind(call);
                return new Cursor(connection, call, call.resultSet());
            } catch (SQLException | RuntimeException e) {
                call.close();
                throw e;
            }
        }, mapper);
    }
}
