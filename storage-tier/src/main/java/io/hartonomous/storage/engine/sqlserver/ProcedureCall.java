package io.hartonomous.storage.engine.sqlserver;

import com.microsoft.sqlserver.jdbc.SQLServerPreparedStatement;
import io.hartonomous.storage.engine.jdbc.RowMapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * One execution of a {@link Procedure}: parameters are set by name (the index comes from the procedure's list), and
 * the call refuses to run until every parameter is bound, so a forgotten or misspelt parameter fails here rather
 * than on the server. Times are UTC {@code DATETIME2(7)} (sent as {@link LocalDateTime} at offset 0).
 */
final class ProcedureCall implements AutoCloseable {
    private final Procedure procedure;
    private final PreparedStatement statement;
    private final boolean[] bound;

    ProcedureCall(Procedure procedure, PreparedStatement statement) {
        this.procedure = procedure;
        this.statement = statement;
        this.bound = new boolean[procedure.parameters().size()];
    }

    static ProcedureCall prepare(Connection connection, Procedure procedure) throws SQLException {
        return new ProcedureCall(procedure, connection.prepareStatement(procedure.sql(), ResultSet.TYPE_FORWARD_ONLY,
                ResultSet.CONCUR_READ_ONLY));
    }

    Procedure procedure() {
        return procedure;
    }

    private int slot(String parameter) {
        if (procedure.tables().containsKey(parameter)) {
            throw new IllegalArgumentException("@" + parameter + " of " + procedure.name()
                    + " is table-valued: use setTable");
        }
        return mark(parameter);
    }

    private int mark(String parameter) {
        int index = procedure.index(parameter);
        bound[index - 1] = true;
        return index;
    }

    ProcedureCall setLong(String parameter, long value) throws SQLException {
        statement.setLong(slot(parameter), value);
        return this;
    }

    /** BIGINT; null sends NULL. */
    ProcedureCall setLongOrNull(String parameter, Long value) throws SQLException {
        int index = slot(parameter);
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
        return this;
    }

    ProcedureCall setDouble(String parameter, double value) throws SQLException {
        statement.setDouble(slot(parameter), value);
        return this;
    }

    ProcedureCall setInt(String parameter, int value) throws SQLException {
        statement.setInt(slot(parameter), value);
        return this;
    }

    /** INT; null sends NULL. */
    ProcedureCall setIntOrNull(String parameter, Integer value) throws SQLException {
        int index = slot(parameter);
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
        return this;
    }

    ProcedureCall setBoolean(String parameter, boolean value) throws SQLException {
        statement.setBoolean(slot(parameter), value);
        return this;
    }

    /** NVARCHAR text; null sends NULL. */
    ProcedureCall setString(String parameter, String value) throws SQLException {
        int index = slot(parameter);
        if (value == null) {
            statement.setNull(index, Types.NVARCHAR);
        } else {
            statement.setString(index, value);
        }
        return this;
    }

    /** DECIMAL, exact; null sends NULL. */
    ProcedureCall setDecimal(String parameter, java.math.BigDecimal value) throws SQLException {
        int index = slot(parameter);
        if (value == null) {
            statement.setNull(index, Types.DECIMAL);
        } else {
            statement.setBigDecimal(index, value);
        }
        return this;
    }

    /** VARBINARY / BINARY; null sends NULL. */
    ProcedureCall setBytes(String parameter, byte[] value) throws SQLException {
        int index = slot(parameter);
        if (value == null) {
            statement.setNull(index, Types.VARBINARY);
        } else {
            statement.setBytes(index, value);
        }
        return this;
    }

    /** UTC DATETIME2; null sends NULL. */
    ProcedureCall setInstant(String parameter, Instant value) throws SQLException {
        int index = slot(parameter);
        if (value == null) {
            statement.setNull(index, Types.TIMESTAMP);
        } else {
            statement.setObject(index, LocalDateTime.ofInstant(value, ZoneOffset.UTC));
        }
        return this;
    }

    /** UNIQUEIDENTIFIER, sent as its text form (converted implicitly by the server). */
    ProcedureCall setGuid(String parameter, UUID value) throws SQLException {
        statement.setString(slot(parameter), value.toString());
        return this;
    }

    /** A VECTOR(1998) parameter: the values zero-padded, as {@code microsoft.sql.Vector} (FLOAT32). */
    ProcedureCall setVector(String parameter, float[] values) throws SQLException {
        statement.setObject(slot(parameter), VectorCodec.toVector(values), microsoft.sql.Types.VECTOR);
        return this;
    }

    /** A table-valued parameter of the procedure's declared table type, streamed from {@code rows}. */
    ProcedureCall setTable(String parameter, ColumnarRows rows) throws SQLException {
        TableType type = procedure.tables().get(parameter);
        if (type == null) {
            throw new IllegalArgumentException("@" + parameter + " of " + procedure.name() + " is not table-valued");
        }
        if (!rows.columns().equals(type.columns())) {
            throw new IllegalArgumentException("rows for @" + parameter + " do not have the columns of "
                    + type.typeName());
        }
        int index = mark(parameter);
        statement.unwrap(SQLServerPreparedStatement.class).setStructured(index, type.typeName(), rows);
        return this;
    }

    private void requireAllBound() {
        for (int i = 0; i < bound.length; i++) {
            if (!bound[i]) {
                throw new IllegalStateException(procedure.name() + ": @" + procedure.parameters().get(i)
                        + " was not set");
            }
        }
    }

    /** Runs the call and returns its first result set, open (for streaming). */
    ResultSet resultSet() throws SQLException {
        requireAllBound();
        return statement.executeQuery();
    }

    /** Runs the call, maps every row of its first result set and reads the rest (so late errors surface). */
    <T> List<T> query(RowMapper<T> mapper) throws SQLException {
        requireAllBound();
        boolean isResultSet = statement.execute();
        List<T> rows = List.of();
        while (true) {
            if (isResultSet) {
                try (ResultSet rs = statement.getResultSet()) {
                    rows = mapper.all(rs);
                }
                drain();
                return rows;
            }
            if (statement.getUpdateCount() == -1) {
                return rows;
            }
            isResultSet = statement.getMoreResults();
        }
    }

    /** Runs the call and reads every result, so that an error raised late in the procedure is not missed. */
    void execute() throws SQLException {
        requireAllBound();
        statement.execute();
        drain();
    }

    /** Moves to the next result set of a call that returns several; null when there is none. */
    ResultSet nextResultSet() throws SQLException {
        while (true) {
            if (statement.getMoreResults()) {
                return statement.getResultSet();
            }
            if (statement.getUpdateCount() == -1) {
                return null;
            }
        }
    }

    /** Runs the call and returns its first result set (for calls that return several, with {@link #nextResultSet}). */
    ResultSet first() throws SQLException {
        requireAllBound();
        boolean isResultSet = statement.execute();
        while (!isResultSet) {
            if (statement.getUpdateCount() == -1) {
                return null;
            }
            isResultSet = statement.getMoreResults();
        }
        return statement.getResultSet();
    }

    /** Reads every remaining result. */
    void drain() throws SQLException {
        while (statement.getMoreResults() || statement.getUpdateCount() != -1) {
            // keep reading until the procedure is done
        }
    }

    @Override
    public void close() {
        try {
            statement.close();
        } catch (SQLException ignored) {
            // closing the connection releases it anyway
        }
    }
}
