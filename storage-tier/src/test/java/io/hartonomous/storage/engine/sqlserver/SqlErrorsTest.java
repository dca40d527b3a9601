package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.StorageException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** SQL Server error numbers as contract exceptions. */
class SqlErrorsTest {
    private static SQLException server(int number, String message) {
        return new SQLException(message, "S0001", number);
    }

    @Test
    void theProcedureNumbersMapToTheContractWithTheServerMessage() {
        assertThat(SqlErrors.map("x", server(50400, "k must be between 1 and 1000")))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("k must be between 1 and 1000");
        assertThat(SqlErrors.map("x", server(50404, "job 3 not found")))
                .isExactlyInstanceOf(NotFoundException.class).hasMessage("job 3 not found")
                .hasCauseInstanceOf(SQLException.class);
        assertThat(SqlErrors.map("x", server(50409, "chunk 5 of job 3 is out of order: the next chunk is 1")))
                .isExactlyInstanceOf(ConflictException.class).hasMessageContaining("out of order");
        assertThat(SqlErrors.map("dbo.sp_X", server(50401, "No tenant is set")))
                .isExactlyInstanceOf(StorageException.class).hasMessageContaining("engine bug");
    }

    @Test
    void uniqueViolationsAreConflictsAndOtherErrorsAreStorageFailures() {
        assertThat(SqlErrors.map("dbo.sp_X", server(2627, "Violation of UNIQUE KEY constraint")))
                .isExactlyInstanceOf(ConflictException.class).hasMessageStartingWith("dbo.sp_X: Violation");
        assertThat(SqlErrors.map("dbo.sp_X", server(2601, "Cannot insert duplicate key row")))
                .isInstanceOf(ConflictException.class);
        assertThat(SqlErrors.map("dbo.sp_X", server(8152, "String or binary data would be truncated")))
                .isExactlyInstanceOf(StorageException.class)
                .hasMessage("SQL Server storage failed (dbo.sp_X): String or binary data would be truncated "
                        + "[error 8152]");
        assertThat(SqlErrors.map("dbo.sp_X", server(2812, "Could not find stored procedure 'dbo.sp_X'.")))
                .isExactlyInstanceOf(StorageException.class).hasMessageContaining("deploy-schema");
        assertThat(SqlErrors.map("dbo.sp_X", server(229, "The EXECUTE permission was denied on the object 'sp_X'")))
                .hasMessageContaining("hart_ingest, hart_api or hart_admin");
        assertThat(SqlErrors.map("dbo.sp_X", new SQLException("connection reset")))
                .hasMessage("SQL Server storage failed (dbo.sp_X): connection reset");
    }

    @Test
    void racesAreRetryableWhereverTheNumberSits() {
        assertThat(SqlErrors.isRetryable(server(1205, "deadlock victim"))).isTrue();
        assertThat(SqlErrors.isRetryable(server(1222, "Lock request time out period exceeded"))).isTrue();
        assertThat(SqlErrors.isRetryable(server(3960, "Snapshot isolation transaction aborted"))).isTrue();
        assertThat(SqlErrors.isRetryable(server(3961, "Snapshot isolation transaction failed: metadata changed")))
                .isTrue();
        assertThat(SqlErrors.isRetryable(new SQLException("deadlocked", "40001"))).isTrue();
        assertThat(SqlErrors.isRetryable(server(50409, "conflict"))).isFalse();

        SQLException wrapped = new SQLException("Unable to write to the server", new SQLException("x", "S", 1205));
        assertThat(SqlErrors.number(wrapped)).isEqualTo(1205);
        SQLException chained = new SQLException("batch failed");
        chained.setNextException(server(2627, "dup"));
        assertThat(SqlErrors.isUniqueViolation(chained)).isTrue();
        assertThat(SqlErrors.map("x", chained)).isInstanceOf(ConflictException.class).hasMessageContaining("dup");
        assertThat(SqlErrors.number(new SQLException("plain"))).isZero();
    }
}
