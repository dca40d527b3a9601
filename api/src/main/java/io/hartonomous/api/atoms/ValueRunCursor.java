package io.hartonomous.api.atoms;

import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.atoms.AtomReads;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ValueRun;

import java.util.Iterator;
import java.util.stream.Stream;

/**
 * Reads a parent's values in sequence order as packed bytes, a page at a time ({@link AtomReads#valueRuns}: one
 * engine stream per page, read window by window). Every sequence index from 0 to {@code total - 1} must be present
 * exactly once, each value of the layout's type; the reconstruction writers copy what they need straight out of
 * the runs, with no object per value.
 */
final class ValueRunCursor implements AutoCloseable {
    private final AtomReads reads;
    private final long parent;
    private final long total;
    private final int page;
    private final AtomType expected;
    private final int bytes;
    private long position;
    private Stream<ValueRun> current;
    private Iterator<ValueRun> runs;
    private ValueRun run;
    private int used;

    ValueRunCursor(AtomReads reads, long parent, long total, int page, AtomType expected) {
        this.reads = reads;
        this.parent = parent;
        this.total = total;
        this.page = page;
        this.expected = expected;
        this.bytes = expected.valueBytes();
    }

    /** Bytes of one value. */
    int valueBytes() {
        return bytes;
    }

    /** Copies the next {@code values} values ({@code values * valueBytes()} bytes) into {@code to} at {@code at}. */
    void read(byte[] to, int at, int values) {
        if (values > total - position) {
            throw new IllegalStateException("read past the last of " + total + " values");
        }
        int left = values;
        while (left > 0) {
            if (run == null || used == run.count()) {
                nextRun();
            }
            int take = Math.min(left, run.count() - used);
            System.arraycopy(run.values(), used * bytes, to, at, take * bytes);
            used += take;
            at += take * bytes;
            left -= take;
            position += take;
        }
    }

    private void nextRun() {
        if (runs == null || !runs.hasNext()) {
            closeCurrent();
            current = reads.valueRuns(parent, position, Math.min(page, total - position));
            runs = current.iterator();
            if (!runs.hasNext()) {
                throw incomplete("value " + position + " is missing");
            }
        }
        run = runs.next();
        used = 0;
        if (run.firstSequence() != position) {
            throw incomplete("value " + position + " is missing (the next stored one is " + run.firstSequence() + ")");
        }
        if (run.type() != expected && !run.type().equals(expected)) {
            throw new ConflictException("value " + position + " of atom " + parent + " is " + run.type()
                    + " where its layout says " + expected);
        }
    }

    private ConflictException incomplete(String what) {
        return new ConflictException("atom " + parent + " cannot be reconstructed: " + what + " of " + total);
    }

    private void closeCurrent() {
        if (current != null) {
            current.close();
            current = null;
            runs = null;
        }
    }

    @Override
    public void close() {
        closeCurrent();
    }
}
