package io.hartonomous.storage.engine.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * An open result set with the statement and the connection it holds, read as a {@link Stream} straight from the
 * cursor (large results such as compositions and tensors are never held whole). Closing the stream releases all
 * three.
 */
public record Cursor(Connection connection, AutoCloseable statement, ResultSet rows) {
    /** Opens the cursor of a unit of work on the connection it was given. */
    @FunctionalInterface
    public interface Opener {
        Cursor open(Connection connection) throws SQLException;
    }

    /** A forward-only, read-only query whose rows the driver fetches {@code fetchSize} at a time. */
    public static Opener query(String sql, int fetchSize, Binder<PreparedStatement> binder) {
        return connection -> {
            PreparedStatement ps = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY,
                    ResultSet.CONCUR_READ_ONLY);
            try {
                ps.setFetchSize(fetchSize);
                binder.bind(ps);
                return new Cursor(connection, ps, ps.executeQuery());
            } catch (SQLException | RuntimeException e) {
                closeQuietly(ps);
                throw e;
            }
        };
    }

    /** The rows as a stream; a failure while reading is mapped by {@code onFailure} ({@code what} names the read). */
    <T> Stream<T> stream(String what, RowMapper<T> mapper,
                         BiFunction<String, SQLException, RuntimeException> onFailure) {
        Spliterator<T> spliterator = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED) {
            @Override
            public boolean tryAdvance(Consumer<? super T> action) {
                try {
                    if (!rows.next()) {
                        return false;
                    }
                    action.accept(mapper.map(rows));
                    return true;
                } catch (SQLException e) {
                    throw onFailure.apply(what + " while streaming", e);
                }
            }
        };
        return StreamSupport.stream(spliterator, false).onClose(this::close);
    }

    void close() {
        closeQuietly(rows);
        closeQuietly(statement);
        closeQuietly(connection);
    }

    static void closeQuietly(AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception ignored) {
            // releasing what is left matters more; a connection that fails to close is discarded by the pool
        }
    }
}
