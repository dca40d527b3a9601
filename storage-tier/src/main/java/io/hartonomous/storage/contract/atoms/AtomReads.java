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

    long compositionCount(long parentAtomId);
}
