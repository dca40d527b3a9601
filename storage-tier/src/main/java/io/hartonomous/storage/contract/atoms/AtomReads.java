package io.hartonomous.storage.contract.atoms;

import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads of atoms and their compositions, as the tenant sees them: leaf atoms are shared content, parent atoms
 * (files) only to tenants that ingested them. Streams hold a connection: close them (try-with-resources).
 */
public interface AtomReads {
    Optional<Atom> byId(long atomId);

    Optional<Atom> byHash(ContentHash hash);

    /** Composition rows of a visible parent in SequenceIndex order, from {@code fromSequence}, at most {@code limit}. */
    Stream<AtomComposition> compositions(long parentAtomId, long fromSequence, long limit);

    /** Component values of a visible parent in SequenceIndex order: the input of reconstruction. */
    Stream<PlacedValue> placedValues(long parentAtomId, long fromSequence, long limit);

    /**
     * The values {@link #placedValues} gives, packed into runs of consecutive positions of one type: what a
     * reconstruction reads in bulk. An engine overrides this to copy values straight from its dictionaries; by
     * default the placed values are grouped ({@link ValueRun#grouped}).
     */
    default Stream<ValueRun> valueRuns(long parentAtomId, long fromSequence, long limit) {
        return ValueRun.grouped(placedValues(parentAtomId, fromSequence, limit));
    }

    long compositionCount(long parentAtomId);
}
