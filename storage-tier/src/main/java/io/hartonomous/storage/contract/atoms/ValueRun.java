package io.hartonomous.storage.contract.atoms;

import java.util.ArrayList;
import java.util.Collections;
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
     * The values at {@code sequence[i]} ({@code types[i]}, {@code values[i]}) for i below {@code n}, in sequence
     * order, as runs: a run ends at a gap in the sequence or a change of type.
     */
    public static List<ValueRun> of(int n, long[] sequence, AtomType[] types, byte[][] values) {
        List<ValueRun> runs = new ArrayList<>();
        int from = 0;
        for (int i = 1; i <= n; i++) {
            if (i == n || sequence[i] != sequence[i - 1] + 1 || types[i] != types[from]
                    && !types[i].equals(types[from])) {
                AtomType type = types[from];
                int bytes = type.valueBytes();
                byte[] packed = new byte[(i - from) * bytes];
                for (int k = from, at = 0; k < i; k++, at += bytes) {
                    if (values[k].length != bytes) {
                        throw new IllegalStateException("value " + sequence[k] + " of " + type + " has "
                                + values[k].length + " bytes");
                    }
                    System.arraycopy(values[k], 0, packed, at, bytes);
                }
                runs.add(new ValueRun(sequence[from], i - from, type, packed));
                from = i;
            }
        }
        return runs;
    }

    /**
     * Groups values in sequence order into runs ({@link #of}), reading at most {@link #MAX_GROUPED} values ahead: a
     * run also ends where such a batch does.
     */
    public static Stream<ValueRun> grouped(Stream<PlacedValue> values) {
        Iterator<PlacedValue> in = values.iterator();
        Iterator<ValueRun> runs = new Iterator<>() {
            private Iterator<ValueRun> batch = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                if (!batch.hasNext() && in.hasNext()) {
                    long[] sequence = new long[MAX_GROUPED];
                    AtomType[] types = new AtomType[MAX_GROUPED];
                    byte[][] bytes = new byte[MAX_GROUPED][];
                    int n = 0;
                    while (n < MAX_GROUPED && in.hasNext()) {
                        PlacedValue v = in.next();
                        sequence[n] = v.sequenceIndex();
                        types[n] = v.type();
                        bytes[n++] = v.value();
                    }
                    batch = of(n, sequence, types, bytes).iterator();
                }
                return batch.hasNext();
            }

            @Override
            public ValueRun next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return batch.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(runs, Spliterator.ORDERED), false)
                .onClose(values::close);
    }
}
