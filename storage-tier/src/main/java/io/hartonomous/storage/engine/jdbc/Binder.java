package io.hartonomous.storage.engine.jdbc;

import java.sql.SQLException;

/** Sets the parameters of a statement (a PreparedStatement, or an engine's own call object). */
@FunctionalInterface
public interface Binder<S> {
    void bind(S statement) throws SQLException;
}
