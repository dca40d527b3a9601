package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.StorageException;
import io.hartonomous.storage.engine.jdbc.SqlFailures;

import java.sql.SQLException;

/** H2 errors as the shared unit of work needs them: which are a lost race, and their contract exception. */
final class H2Errors {
    static final SqlFailures FAILURES = new SqlFailures(H2Errors::isRace, H2Errors::map);

    private H2Errors() {
    }

    /** 40001 deadlock/serialization, HYT00 lock timeout; H2 90131 = row changed by a concurrent transaction. */
    static boolean isRace(SQLException e) {
        String state = e.getSQLState();
        return "40001".equals(state) || "HYT00".equals(state) || e.getErrorCode() == 90131;
    }

    static boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    static RuntimeException map(String what, SQLException e) {
        return new StorageException("embedded storage failed (" + what + "): " + e.getMessage(), e);
    }
}
