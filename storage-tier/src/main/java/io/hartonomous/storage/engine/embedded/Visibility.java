package io.hartonomous.storage.engine.embedded;

/**
 * The tenant predicate (what RLS does on SQL Server): leaf atoms are shared content; a parent atom (a file) is
 * visible only to tenants that ingested it, and everything hanging off a parent is visible with it.
 * Each fragment takes the tenant id as its single parameter.
 */
final class Visibility {
    /** For an atom aliased {@code a}. */
    static final String ATOM = "(a.Subtype <> 'file' OR EXISTS (SELECT 1 FROM AtomOwners o "
            + "WHERE o.AtomId = a.AtomId AND o.TenantId = ?))";

    /** For a parent atom id expression. */
    static String parent(String atomIdExpression) {
        return "EXISTS (SELECT 1 FROM AtomOwners o WHERE o.AtomId = " + atomIdExpression + " AND o.TenantId = ?)";
    }

    private Visibility() {
    }
}
