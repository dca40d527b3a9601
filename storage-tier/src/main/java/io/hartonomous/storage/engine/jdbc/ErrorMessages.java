package io.hartonomous.storage.engine.jdbc;

/** Messages of failures that come wrapped (HikariCP around the driver, the driver around the socket). */
public final class ErrorMessages {
    private ErrorMessages() {
    }

    /** The message of the innermost cause: the one that says what actually went wrong. */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
