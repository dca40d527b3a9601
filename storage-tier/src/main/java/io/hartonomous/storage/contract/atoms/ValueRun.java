package io.hartonomous.storage.contract.atoms;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Values of consecutive positions of one parent, all of one type, packed: {@code count} values of
 * {@code type.valueBytes()} bytes each, in sequence order from {@code firstSequence}. What reconstruction reads in
 * bulk ({@link AtomReads#valueRuns}): a file's bytes without an object per position.
 */
public record ValueRun(long firstSequence, int count, AtomType type, byte[] values) {
    /** Positions a run grouped from single values holds at most (a bound on its buffer). */
    public static final int MAX_GROUPED = 65_536;

    public ValueRun {
        if (count < 1 || values == null || type == null || values.length != (long) count * type.valueBytes()) {
            throw new IllegalArgumentException("a run of " + count + " values of " + type + " cannot hold "
                    + (values == null ? "no" : values.length) + " bytes");
        }
    }

    /**
     * Groups values in sequence order into runs: a run ends at a gap in the sequence, a change of type, or after
     * {@link #MAX_GROUPED} values. Lazy: at most one run is buffered.
     */
    public static Stream<ValueRun> grouped(Stream<PlacedValue> values) {
        Iterator<PlacedValue> in = values.iterator();
        Iterator<ValueRun> runs = new Iterator<>() {
            private PlacedValue pending;

            @Override
            public boolean hasNext() {
                return pending != null || in.hasNext();
            }

            @Override
            public ValueRun next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                PlacedValue first = pending != null ? pending : in.next();
                pending = null;
                List<byte[]> run = new ArrayList<>();
                run.add(first.value());
                long expected = first.sequenceIndex() + 1;
                while (run.size() < MAX_GROUPED && in.hasNext()) {
                    PlacedValue v = in.next();
                    if (v.sequenceIndex() != expected || !v.type().equals(first.type())) {
                        pending = v;
                        break;
                    }
                    run.add(v.value());
                    expected++;
                }
                int bytes = first.type().valueBytes();
                byte[] packed = new byte[run.size() * bytes];
                for (int i = 0; i < run.size(); i++) {
                    byte[] v = run.get(i);
                    if (v.length != bytes) {
                        throw new IllegalStateException("value " + (first.sequenceIndex() + i) + " of " + first.type()
                                + " has " + v.length + " bytes");
                    }
                    System.arraycopy(v, 0, packed, i * bytes, bytes);
                }
                return new ValueRun(first.sequenceIndex(), run.size(), first.type(), packed);
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(runs, Spliterator.ORDERED), false)
                .onClose(values::close);
    }
}
