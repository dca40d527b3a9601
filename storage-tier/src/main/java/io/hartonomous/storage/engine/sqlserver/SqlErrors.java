package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.StorageException;
import io.hartonomous.storage.engine.jdbc.SqlFailures;

import java.sql.SQLException;
import java.util.Set;

/**
 * SQL Server errors as contract exceptions. The procedures of sql/ raise their own numbers with THROW
 * (sql/README.md, "Conventions the storage engine relies on"); a few engine errors mean a lost race that is worth
 * running again. The number is the SQL Server error number, which mssql-jdbc reports as the vendor code.
 */
final class SqlErrors {
    static final int INVALID_ARGUMENT = 50400;
    static final int NO_TENANT = 50401;
    static final int NOT_FOUND = 50404;
    static final int CONFLICT = 50409;
    /** Every number the procedures THROW that the engine maps (50500 is the deployer's verification failure). */
    static final Set<Integer> PROCEDURE_ERRORS = Set.of(INVALID_ARGUMENT, NO_TENANT, NOT_FOUND, CONFLICT);

    /** Could not find stored procedure; permission denied on an object. */
    static final int MISSING_PROCEDURE = 2812;
    static final int PERMISSION_DENIED = 229;

    /** Cannot insert duplicate key row (unique index) / violation of PRIMARY KEY or UNIQUE constraint. */
    static final Set<Integer> UNIQUE_VIOLATIONS = Set.of(2601, 2627);
    /**
     * Chosen as deadlock victim (1205), lock request time out (1222), snapshot update conflict (3960), a snapshot
     * read of a table whose metadata a concurrent DDL changed (3961: a deletion or a failed job switches the system
     * versioning of dbo.Atoms or dbo.ModelLayers while a tensor is read in windows): the transaction was rolled back
     * whole and may simply run again.
     */
    static final Set<Integer> RETRYABLE = Set.of(1205, 1222, 3960, 3961);

    /** Lost races and contract exceptions, as the shared unit of work asks for them. */
    static final SqlFailures FAILURES = new SqlFailures(SqlErrors::isRetryable, SqlErrors::map);

    private SqlErrors() {
    }

    /** The first SQL Server error number in the exception, its causes or its chained exceptions (0 if none). */
    static int number(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException e = sql; e != null; e = e.getNextException()) {
                    if (e.getErrorCode() != 0) {
                        return e.getErrorCode();
                    }
                    if ("40001".equals(e.getSQLState())) {
                        return 1205; // deadlock reported without a number (e.g. wrapped by the bulk copy)
                    }
                }
            }
        }
        return 0;
    }

    static boolean isRetryable(SQLException e) {
        return RETRYABLE.contains(number(e));
    }

    static boolean isUniqueViolation(SQLException e) {
        return UNIQUE_VIOLATIONS.contains(number(e));
    }

    /** The contract exception for a failure; {@code what} names the operation for errors that are not the caller's. */
    static RuntimeException map(String what, SQLException e) {
        int number = number(e);
        String message = serverMessage(e);
        return switch (number) {
            case INVALID_ARGUMENT -> new IllegalArgumentException(message, e);
            case NOT_FOUND -> withCause(new NotFoundException(message), e);
            case CONFLICT -> withCause(new ConflictException(message), e);
            case 2601, 2627 -> withCause(new ConflictException(what + ": " + message), e);
            case NO_TENANT -> new StorageException(what + ": the session had no tenant (an engine bug): " + message, e);
            case MISSING_PROCEDURE, PERMISSION_DENIED -> new StorageException(what + ": " + message
                    + " (is sql/ deployed with ./hart deploy-schema, and is this login in the role that may run it: "
                    + "hart_ingest, hart_api or hart_admin?)", e);
            default -> new StorageException("SQL Server storage failed (" + what + "): " + message
                    + (number != 0 ? " [error " + number + "]" : ""), e);
        };
    }

    private static String serverMessage(SQLException e) {
        int number = number(e);
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    if (s.getErrorCode() == number && s.getMessage() != null) {
                        return s.getMessage();
                    }
                }
            }
        }
        return String.valueOf(e.getMessage());
    }

    private static RuntimeException withCause(RuntimeException contract, SQLException cause) {
        contract.initCause(cause);
        return contract;
    }
}
