package io.hartonomous.storage.engine.jdbc;

import io.hartonomous.storage.contract.StorageException;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared unit of work on a real H2 database: what commits, what rolls back, what runs again. */
class UnitOfWorkTest {
    /** A lock wait that ran out (HYT00) is the race these tests lose on purpose. */
    private static final SqlFailures FAILURES = new SqlFailures(e -> "HYT00".equals(e.getSQLState()),
            (what, e) -> new StorageException(what + " failed: " + e.getMessage(), e));

    private final JdbcDataSource h2 = new JdbcDataSource();
    private Connection keepAlive;
    private UnitOfWork units;

    @BeforeEach
    void createTable() throws SQLException {
        h2.setURL("jdbc:h2:mem:uow-" + UUID.randomUUID() + ";LOCK_TIMEOUT=100");
        keepAlive = h2.getConnection();
        try (Statement s = keepAlive.createStatement()) {
            s.execute("CREATE TABLE Items (Id INT PRIMARY KEY, Name VARCHAR(20))");
            s.execute("INSERT INTO Items VALUES (1, 'one')");
        }
        units = new UnitOfWork(h2, FAILURES, 3, 1);
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        keepAlive.close();
    }

    private List<String> names() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = keepAlive.createStatement();
             ResultSet rs = s.executeQuery("SELECT Name FROM Items ORDER BY Id")) {
            while (rs.next()) {
                names.add(rs.getString("Name"));
            }
        }
        return names;
    }

    private static void insert(Connection c, int id, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO Items VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, name);
            ps.executeUpdate();
        }
    }

    @Test
    void aUnitThatLostALockRaceIsRolledBackAndRunsAgain() throws SQLException {
        Connection holder = h2.getConnection();
        holder.setAutoCommit(false);
        try (Statement s = holder.createStatement()) {
            s.executeQuery("SELECT * FROM Items WHERE Id = 1 FOR UPDATE").close();
        }
        AtomicInteger attempts = new AtomicInteger();
        String result = units.inTransaction("rename", c -> {
            insert(c, 10 + attempts.incrementAndGet(), "attempt");
            if (attempts.get() == 2) {
                holder.rollback(); // the other writer finishes; this attempt gets the lock
            }
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE Items SET Name = 'uno' WHERE Id = 1");
            }
            return "renamed";
        });
        holder.close();

        assertThat(result).isEqualTo("renamed");
        assertThat(attempts).hasValue(2);
        assertThat(names()).as("the first attempt's insert was rolled back with it").containsExactly("uno", "attempt");
    }

    @Test
    void otherErrorsAreMappedAtOnceAndNotRunAgain() throws SQLException {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> units.inTransaction("insert twice", c -> {
            attempts.incrementAndGet();
            insert(c, 2, "two");
            insert(c, 2, "again"); // a duplicate key: not a race
            return null;
        })).isInstanceOf(StorageException.class).hasMessageStartingWith("insert twice failed: ")
                .hasCauseInstanceOf(SQLException.class);
        assertThat(attempts).hasValue(1);
        assertThat(names()).as("nothing of the failed unit stays").containsExactly("one");
    }

    @Test
    void aFailingUnitRollsBackAndItsOwnExceptionComesOut() throws SQLException {
        IllegalStateException failure = new IllegalStateException("caller's bug");
        assertThatThrownBy(() -> units.inTransaction("insert then fail", c -> {
            insert(c, 2, "two");
            throw failure;
        })).isSameAs(failure);
        assertThatThrownBy(() -> units.inTransactionOnce("insert then fail once", c -> {
            insert(c, 3, "three");
            throw failure;
        })).isSameAs(failure);
        assertThat(names()).containsExactly("one");
    }

    @Test
    void aUnitThatKeepsLosingGivesUpAfterItsAttempts() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> units.run("contended", c -> {
            attempts.incrementAndGet();
            throw new RetryableConflict("someone else got there first");
        })).isInstanceOf(StorageException.class)
                .hasMessage("contended: gave up after 3 attempts lost to concurrent writers")
                .hasCauseInstanceOf(RetryableConflict.class);
        assertThat(attempts).hasValue(3);
    }

    @Test
    void readsRunOnceAndAutoCommitWritesStayWritten() throws SQLException {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> units.read("read", c -> {
            attempts.incrementAndGet();
            throw new SQLException("Timeout trying to lock table", "HYT00");
        })).isInstanceOf(StorageException.class).hasMessage("read failed: Timeout trying to lock table");
        assertThat(attempts).as("reads are not retried").hasValue(1);

        assertThatThrownBy(() -> units.run("auto-commit", c -> {
            insert(c, 2, "two");
            throw new IllegalStateException("after the statement committed");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(names()).containsExactly("one", "two");
    }

    @Test
    void everyAttemptRunsTheEnginesSetupFirst() {
        List<String> seen = new ArrayList<>();
        UnitOfWork prepared = units.preparing(c -> seen.add("setup"));
        AtomicInteger attempts = new AtomicInteger();
        prepared.run("twice", c -> {
            seen.add("work");
            if (attempts.incrementAndGet() == 1) {
                throw new RetryableConflict("once more");
            }
            return null;
        });
        assertThat(seen).containsExactly("setup", "work", "setup", "work");
    }

    @Test
    void aStreamHoldsItsConnectionUntilClosed() throws SQLException {
        try (Statement s = keepAlive.createStatement()) {
            s.execute("INSERT INTO Items VALUES (2, 'two'), (3, 'three')");
        }
        Connection[] held = new Connection[1];
        Cursor.Opener query = Cursor.query("SELECT Id, Name FROM Items WHERE Id >= ? ORDER BY Id", 2, ps -> {
            held[0] = ps.getConnection();
            ps.setInt(1, 2);
        });
        try (Stream<String> rows = units.stream("items", query, rs -> rs.getInt("Id") + ":" + rs.getString("Name"))) {
            assertThat(held[0].isClosed()).as("open while streaming").isFalse();
            assertThat(rows.toList()).containsExactly("2:two", "3:three");
        }
        assertThat(held[0].isClosed()).isTrue();

        assertThatThrownBy(() -> units.stream("missing", Cursor.query("SELECT * FROM Missing", 2, ps -> { }),
                rs -> rs.getInt(1))).isInstanceOf(StorageException.class).hasMessageStartingWith("missing failed: ");
    }
}
