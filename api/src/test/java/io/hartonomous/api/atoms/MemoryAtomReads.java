package io.hartonomous.api.atoms;

import io.hartonomous.api.testing.Seed;
import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.atoms.AtomComposition;
import io.hartonomous.storage.contract.atoms.AtomReads;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.PlacedValue;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * One parent's atoms held in memory behind the {@link AtomReads} interface, so the PNG/WAV writers can be checked
 * against every real test file without a database. Counts how many page queries were made.
 */
class MemoryAtomReads implements AtomReads {
    static final long PARENT = 42;

    private final Seed.Media media;
    int pageQueries;

    MemoryAtomReads(Seed.Media media) {
        this.media = media;
    }

    Atom parent() {
        return new Atom(PARENT, ContentHash.of(AtomType.file(media.modality()), new byte[] {1}),
                AtomType.file(media.modality()), null, media.metadataJson(), 0, Instant.now());
    }

    @Override
    public Optional<Atom> byId(long atomId) {
        return atomId == PARENT ? Optional.of(parent()) : Optional.empty();
    }

    @Override
    public Optional<Atom> byHash(ContentHash hash) {
        return Optional.empty();
    }

    private LongStream rows(long from, long limit) {
        long end = Math.min(media.rows(), from + limit);
        return LongStream.range(Math.min(from, end), end);
    }

    @Override
    public Stream<AtomComposition> compositions(long parentAtomId, long fromSequence, long limit) {
        return rows(fromSequence, limit).mapToObj(i -> new AtomComposition(PARENT, 1000 + i, i, media.x().of(i),
                media.y().of(i)));
    }

    @Override
    public Stream<PlacedValue> placedValues(long parentAtomId, long fromSequence, long limit) {
        pageQueries++;
        int vb = media.valueBytes();
        return rows(fromSequence, limit).mapToObj(i -> new PlacedValue(i, media.x().of(i), media.y().of(i),
                media.type(), Arrays.copyOfRange(media.values(), (int) i * vb, (int) (i + 1) * vb)));
    }

    @Override
    public long compositionCount(long parentAtomId) {
        return media.rows();
    }
}
