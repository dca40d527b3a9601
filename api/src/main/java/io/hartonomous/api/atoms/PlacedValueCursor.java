package io.hartonomous.api.atoms;

import io.hartonomous.storage.contract.atoms.AtomReads;
import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.atoms.PlacedValue;

import java.util.Iterator;
import java.util.stream.Stream;

/**
 * Reads a parent's component values in sequence order, a page at a time (one engine stream per page; the engines
 * read a stream window by window, holding no connection between windows and nothing beyond the window they buffer).
 * Every sequence index from 0 to {@code total - 1} must be present exactly once.
 */
final class PlacedValueCursor implements AutoCloseable {
    private final AtomReads reads;
    private final long parent;
    private final long total;
    private final int page;
    private long position;
    private Stream<PlacedValue> current;
    private Iterator<PlacedValue> rows;

    PlacedValueCursor(AtomReads reads, long parent, long total, int page) {
        this.reads = reads;
        this.parent = parent;
        this.total = total;
        this.page = page;
    }

    boolean hasNext() {
        return position < total;
    }

    PlacedValue next() {
        if (position >= total) {
            throw new IllegalStateException("read past the last of " + total + " values");
        }
        if (rows == null || !rows.hasNext()) {
            closeCurrent();
            current = reads.placedValues(parent, position, Math.min(page, total - position));
            rows = current.iterator();
            if (!rows.hasNext()) {
                throw incomplete("value " + position + " is missing");
            }
        }
        PlacedValue value = rows.next();
        if (value.sequenceIndex() != position) {
            throw incomplete("value " + position + " is missing (the next stored one is " + value.sequenceIndex() + ")");
        }
        position++;
        return value;
    }

    private ConflictException incomplete(String what) {
        return new ConflictException("atom " + parent + " cannot be reconstructed: " + what + " of " + total);
    }

    private void closeCurrent() {
        if (current != null) {
            current.close();
            current = null;
            rows = null;
        }
    }

    @Override
    public void close() {
        closeCurrent();
    }
}
