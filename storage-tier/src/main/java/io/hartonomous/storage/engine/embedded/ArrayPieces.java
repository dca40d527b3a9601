package io.hartonomous.storage.engine.embedded;

import java.sql.SQLException;

/**
 * H2 refuses an array parameter of more than 65,536 elements ({@code TABLE(x = ?)}, {@code = ANY(?)}), so a
 * statement over more values runs once per piece of at most {@link #MAX} of them.
 */
final class ArrayPieces {
    static final int MAX = 65_536;

    /** One piece: values {@code from} (inclusive) to {@code to} (exclusive) of the caller's arrays. */
    @FunctionalInterface
    interface Piece {
        void run(int from, int to) throws SQLException;
    }

    private ArrayPieces() {
    }

    static void each(int n, Piece piece) throws SQLException {
        for (int from = 0; from < n; from += MAX) {
            piece.run(from, Math.min(n, from + MAX));
        }
    }
}
