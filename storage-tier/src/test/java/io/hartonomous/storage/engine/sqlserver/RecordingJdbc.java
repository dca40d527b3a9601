package io.hartonomous.storage.engine.sqlserver;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A JDBC recorder for unit tests of statement building: it runs nothing, it writes down which statements the engine
 * prepares on which connection, with every parameter it binds in index order, and answers each execution with the
 * next scripted rows (none by default) or a scripted error. It is not a database and pretends to be none.
 */
final class RecordingJdbc {
    /** One prepared statement: its text and its bound parameters by JDBC index (1-based). */
    static final class Statement {
        final int connection;
        final String sql;
        final Map<Integer, Object> parameters = new java.util.TreeMap<>();
        final List<String> setters = new ArrayList<>();

        Statement(int connection, String sql) {
            this.connection = connection;
            this.sql = sql;
        }

        List<Object> values() {
            return new ArrayList<>(parameters.values());
        }

        @Override
        public String toString() {
            return "#" + connection + " " + sql + " " + parameters;
        }
    }

    /** The null a setNull(index, type) bound, with its JDBC type. */
    record Null(int jdbcType) {
    }

    final List<Statement> statements = new ArrayList<>();
    /**
     * Transaction control per connection, in order: "#1 autoCommit=false", "#1 commit", "#1 rollback",
     * "#1 isolation=4096".
     */
    final List<String> transactions = new ArrayList<>();
    final Deque<Object> answers = new ArrayDeque<>();
    int executions;
    int connectionsOpened;
    int connectionsClosed;

    /** The next execution returns these rows (column name to value). */
    RecordingJdbc thenRows(List<Map<String, Object>> rows) {
        answers.add(rows);
        return this;
    }

    /** The next execution returns these result sets, one after the other (getMoreResults moves on). */
    @SafeVarargs
    final RecordingJdbc thenResults(List<Map<String, Object>>... resultSets) {
        answers.add(new Results(List.of(resultSets)));
        return this;
    }

    /** Several result sets of one execution. */
    private record Results(List<List<Map<String, Object>>> sets) {
    }

    /** The next execution fails with this error. */
    RecordingJdbc thenFail(SQLException error) {
        answers.add(error);
        return this;
    }

    /** Statements other than the session-context ones. */
    List<Statement> calls() {
        return statements.stream().filter(s -> !s.sql.equals(Session.SET_TENANT)).toList();
    }

    DataSource dataSource() {
        return proxy(DataSource.class, (p, m, a) -> switch (m.getName()) {
            case "getConnection" -> connection(++connectionsOpened);
            case "toString" -> "RecordingJdbc";
            default -> throw new UnsupportedOperationException("DataSource." + m.getName());
        });
    }

    private Connection connection(int id) {
        boolean[] closed = {false};
        int[] isolation = {Connection.TRANSACTION_READ_COMMITTED};
        return proxy(Connection.class, (p, m, a) -> switch (m.getName()) {
            case "prepareStatement" -> statement(id, (String) a[0]);
            case "close" -> {
                if (!closed[0]) {
                    closed[0] = true;
                    connectionsClosed++;
                }
                yield null;
            }
            case "isClosed" -> closed[0];
            case "setAutoCommit" -> {
                transactions.add("#" + id + " autoCommit=" + a[0]);
                yield null;
            }
            case "commit", "rollback" -> {
                transactions.add("#" + id + " " + m.getName());
                yield null;
            }
            case "getTransactionIsolation" -> isolation[0];
            case "setTransactionIsolation" -> {
                isolation[0] = (Integer) a[0];
                transactions.add("#" + id + " isolation=" + a[0]);
                yield null;
            }
            case "toString" -> "connection#" + id;
            default -> throw new UnsupportedOperationException("Connection." + m.getName());
        });
    }

    private PreparedStatement statement(int connection, String sql) {
        Statement recorded = new Statement(connection, sql);
        statements.add(recorded);
        ResultSet[] current = {null};
        Deque<ResultSet> more = new ArrayDeque<>();
        return proxy(PreparedStatement.class, (p, m, a) -> {
            String name = m.getName();
            if (name.startsWith("set") && a != null && a.length >= 2 && a[0] instanceof Integer index) {
                recorded.setters.add(name);
                recorded.parameters.put(index, name.equals("setNull") ? new Null((Integer) a[1]) : a[1]);
                return null;
            }
            return switch (name) {
                case "executeQuery" -> current[0] = answer(more);
                case "execute" -> {
                    if (sql.equals(Session.SET_TENANT)) {
                        yield false; // answers are scripted for the engine's calls only
                    }
                    current[0] = answer(more);
                    yield true;
                }
                case "getResultSet" -> current[0];
                case "getMoreResults" -> {
                    current[0] = more.poll();
                    yield current[0] != null;
                }
                case "getUpdateCount" -> -1;
                case "close" -> null;
                case "toString" -> recorded.toString();
                default -> throw new UnsupportedOperationException("PreparedStatement." + name);
            };
        });
    }

    @SuppressWarnings("unchecked")
    private ResultSet answer(Deque<ResultSet> more) throws SQLException {
        executions++;
        Object next = answers.poll();
        if (next instanceof SQLException e) {
            throw e;
        }
        if (next instanceof Results results) {
            for (List<Map<String, Object>> set : results.sets().subList(1, results.sets().size())) {
                more.add(rows(set));
            }
            return rows(results.sets().getFirst());
        }
        return rows(next == null ? List.of() : (List<Map<String, Object>>) next);
    }

    private static ResultSet rows(List<Map<String, Object>> rows) {
        int[] at = {-1};
        boolean[] wasNull = {false};
        return proxy(ResultSet.class, (p, m, a) -> {
            String name = m.getName();
            if (name.equals("next")) {
                return ++at[0] < rows.size();
            }
            if (name.equals("close")) {
                return null;
            }
            if (name.equals("wasNull")) {
                return wasNull[0];
            }
            if (name.startsWith("get") && a != null && a[0] instanceof String column) {
                Object value = rows.get(at[0]).get(column);
                wasNull[0] = value == null;
                return switch (name) {
                    case "getLong" -> value == null ? 0L : ((Number) value).longValue();
                    case "getInt" -> value == null ? 0 : ((Number) value).intValue();
                    case "getDouble" -> value == null ? 0.0 : ((Number) value).doubleValue();
                    case "getBoolean" -> value != null && (Boolean) value;
                    default -> value;
                };
            }
            throw new UnsupportedOperationException("ResultSet." + name + Arrays.toString(a));
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return (T) Proxy.newProxyInstance(RecordingJdbc.class.getClassLoader(), new Class<?>[] {type}, handler);
    }
}
