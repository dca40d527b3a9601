package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.atoms.AtomComposition;
import io.hartonomous.storage.contract.atoms.AtomReads;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.PlacedValue;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Atom and composition reads through sql/071; row-level security applies the tenant's visibility. Positions are read
 * in bounded windows of segments and decoded here ({@link CompositionWindow}), not through the dbo.AtomCompositions
 * view.
 */
record SqlServerAtomReads(Session session) implements AtomReads {
    /** Sequence indexes per procedure call: one bounded window of segments, rows and dictionary entries. */
    static final int WINDOW = 65_536;

    @Override
    public Optional<Atom> byId(long atomId) {
        return session.one(Procedures.GET_ATOM, call -> call.setLong("AtomId", atomId), SqlRows.RECORDS::atom);
    }

    @Override
    public Optional<Atom> byHash(ContentHash hash) {
        return session.one(Procedures.GET_ATOM_BY_HASH, call -> call.setBytes("ContentHash", hash.bytes()),
                SqlRows.RECORDS::atom);
    }

    @Override
    public Stream<AtomComposition> compositions(long parentAtomId, long fromSequence, long limit) {
        return windows(parentAtomId, fromSequence, limit).flatMap(w -> w.compositions(parentAtomId).stream());
    }

    @Override
    public Stream<PlacedValue> placedValues(long parentAtomId, long fromSequence, long limit) {
        return windows(parentAtomId, fromSequence, limit).flatMap(w -> w.placedValues().stream());
    }

    @Override
    public long compositionCount(long parentAtomId) {
        return session.single(Procedures.GET_COMPOSITION_COUNT, call -> call.setLong("ParentAtomId", parentAtomId),
                rs -> rs.getLong("CompositionCount"));
    }

    /**
     * A lazy stream of windows in sequence order, each its own procedure call (no connection is held between them),
     * so memory stays at one window whatever the limit. The first window is read before this returns, so that an
     * invisible or missing parent fails here. A window covers sequence indexes: one that falls in a gap is empty and
     * names the next stored position, where the next window starts.
     */
    private Stream<CompositionWindow> windows(long parentAtomId, long fromSequence, long limit) {
        long want = Math.max(0, limit);
        CompositionWindow first = window(parentAtomId, fromSequence, (int) Math.min(want, WINDOW));
        Iterator<CompositionWindow> pages = new Iterator<>() {
            private CompositionWindow pending = first;
            private long remaining = want;
            private Long cursor;

            @Override
            public boolean hasNext() {
                if (pending == null && remaining > 0 && cursor != null) {
                    pending = window(parentAtomId, cursor, (int) Math.min(remaining, WINDOW));
                    cursor = null;
                }
                return pending != null;
            }

            @Override
            public CompositionWindow next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                CompositionWindow page = pending;
                pending = null;
                remaining -= page.size();
                cursor = page.next();
                return page;
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED), false);
    }

    private CompositionWindow window(long parentAtomId, long from, int limit) {
        Procedure p = Procedures.GET_COMPOSITION_WINDOW;
        long end = from > Long.MAX_VALUE - limit ? Long.MAX_VALUE : from + limit;
        return session.run(p.name(), c -> {
            try (ProcedureCall call = ProcedureCall.prepare(c, p)) {
                call.setLong("ParentAtomId", parentAtomId).setLong("FromSequence", from).setInt("Limit", limit);
                return CompositionWindow.read(call, from, end);
            }
        });
    }
}
