package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.StorageException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;

/** Streams rows straight from a cursor so large results (compositions, tensors) are never held whole. */
final class ResultStreams {
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private ResultStreams() {
    }

    static <T> Stream<T> stream(DataSource dataSource, String sql, Binder binder, RowMapper<T> mapper) {
        Connection connection = null;
        PreparedStatement ps = null;
        ResultSet rs;
        try {
            connection = dataSource.getConnection();
            ps = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            ps.setFetchSize(4096);
            binder.bind(ps);
            rs = ps.executeQuery();
        } catch (SQLException e) {
            closeQuietly(ps, connection);
            throw new StorageException("embedded storage failed: " + e.getMessage(), e);
        }
        final Connection conn = connection;
        final PreparedStatement statement = ps;
        final ResultSet cursor = rs;
        Spliterator<T> rows = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED) {
            @Override
            public boolean tryAdvance(Consumer<? super T> action) {
                try {
                    if (!cursor.next()) {
                        return false;
                    }
                    action.accept(mapper.map(cursor));
                    return true;
                } catch (SQLException e) {
                    throw new StorageException("embedded storage failed while streaming: " + e.getMessage(), e);
                }
            }
        };
        return StreamSupport.stream(rows, false).onClose(() -> {
            try {
                cursor.close();
            } catch (SQLException ignored) {
                // closing the statement and connection below releases it anyway
            }
            closeQuietly(statement, conn);
        });
    }

    private static void closeQuietly(PreparedStatement ps, Connection connection) {
        try {
            if (ps != null) {
                ps.close();
            }
        } catch (SQLException ignored) {
            // the connection close below is what matters
        }
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // nothing more to release
        }
    }
}
