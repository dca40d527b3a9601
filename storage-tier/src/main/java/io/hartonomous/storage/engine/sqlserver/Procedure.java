package io.hartonomous.storage.engine.sqlserver;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A stored procedure of sql/ as the engine calls it: schema-qualified name, the parameters it passes (in the
 * procedure's declaration order) and, for table-valued parameters, their table type. The statement names every
 * parameter ({@code EXEC dbo.sp_X @A = ?, @B = ?}), so a parameter can never land in the wrong slot; the
 * structural test checks each name against the CREATE PROCEDURE in sql/.
 */
record Procedure(String name, List<String> parameters, Map<String, TableType> tables) {
    Procedure {
        if (!name.matches("[a-z]+\\.sp_[A-Za-z]+")) {
            throw new IllegalArgumentException("a procedure name is schema.sp_Name, got " + name);
        }
        parameters = List.copyOf(parameters);
        tables = Map.copyOf(tables);
        if (new HashSet<>(parameters).size() != parameters.size()) {
            throw new IllegalArgumentException(name + " lists a parameter twice: " + parameters);
        }
        for (String p : parameters) {
            if (!p.matches("[A-Z][A-Za-z0-9]*")) {
                throw new IllegalArgumentException(name + ": parameter '" + p + "' is not a plain name (no @)");
            }
        }
        if (!parameters.containsAll(tables.keySet())) {
            throw new IllegalArgumentException(name + ": table-valued parameters " + tables.keySet()
                    + " are not all among " + parameters);
        }
    }

    static Procedure of(String name, String... parameters) {
        return new Procedure(name, List.of(parameters), Map.of());
    }

    Procedure withTable(String parameter, TableType type) {
        Map<String, TableType> more = new java.util.HashMap<>(tables);
        more.put(parameter, type);
        return new Procedure(name, parameters, more);
    }

    /** The statement text: {@code EXEC schema.sp_Name @P1 = ?, @P2 = ?} (no parameters: {@code EXEC schema.sp_Name}). */
    String sql() {
        if (parameters.isEmpty()) {
            return "EXEC " + name;
        }
        return "EXEC " + name + " " + parameters.stream().map(p -> "@" + p + " = ?").collect(Collectors.joining(", "));
    }

    /** 1-based JDBC index of a parameter. */
    int index(String parameter) {
        int i = parameters.indexOf(parameter);
        if (i < 0) {
            throw new IllegalArgumentException(name + " has no parameter @" + parameter + " (it takes " + parameters
                    + ")");
        }
        return i + 1;
    }
}
