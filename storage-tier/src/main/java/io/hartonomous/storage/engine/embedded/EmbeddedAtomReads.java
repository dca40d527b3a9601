package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.atoms.AtomComposition;
import io.hartonomous.storage.contract.atoms.AtomReads;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.atoms.PlacedValue;
import io.hartonomous.storage.contract.atoms.ValueRun;
import io.hartonomous.storage.engine.jdbc.Binder;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.StreamSupport;
import java.util.stream.Stream;

/** Atom and composition reads under the tenant predicate. */
record EmbeddedAtomReads(String tenantId, UnitOfWork tx) implements AtomReads {
    @Override
    public Optional<Atom> byId(long atomId) {
        return tx.read("byId", c -> one(c, "a.AtomId = ?", ps -> ps.setLong(1, atomId)));
    }

    @Override
    public Optional<Atom> byHash(ContentHash hash) {
        return tx.read("byHash", c -> one(c, "a.ContentHash = ?", ps -> ps.setBytes(1, hash.bytes())));
    }

    private Optional<Atom> one(Connection c, String condition, Binder<PreparedStatement> key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + Rows.ATOM_COLUMNS + " FROM Atoms a WHERE " + condition + " AND " + Visibility.ATOM)) {
            key.bind(ps);
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Rows.RECORDS.atom(rs)) : Optional.empty();
            }
        }
    }

    /**
     * Positions decoded per read: one bounded range of segments and one atom lookup per distinct value. Through
     * {@code ./hart serve} each read is a few round trips to the storage process, whose latency, not its work,
     * bounded the 17.9 MP photo's reconstruction at 65,536 (7.4 s warm; 3.9 s at 262,144, no faster at 1 Mi). Two
     * windows are in memory at a time (the read-ahead), about 40 MB at this size.
     */
    private static final int WINDOW = 262_144;

    @Override
    public Stream<AtomComposition> compositions(long parentAtomId, long fromSequence, long limit) {
        requireVisibleParent(parentAtomId);
        return windows("compositions", parentAtomId, fromSequence, limit, (c, w) -> {
            List<AtomComposition> out = new ArrayList<>(w.size());
            for (int i = 0; i < w.size(); i++) {
                out.add(new AtomComposition(parentAtomId, w.atomId()[i], w.sequence()[i], w.x()[i], w.y()[i]));
            }
            return out;
        });
    }

    @Override
    public Stream<PlacedValue> placedValues(long parentAtomId, long fromSequence, long limit) {
        requireVisibleParent(parentAtomId);
        PlacedAtoms atoms = new PlacedAtoms(parentAtomId);
        return windows("placedValues", parentAtomId, fromSequence, limit, (c, w) -> {
            PlacedAtom[] placed = atoms.resolve(c, w);
            List<PlacedValue> out = new ArrayList<>(w.size());
            for (int i = 0; i < w.size(); i++) {
                out.add(new PlacedValue(w.sequence()[i], w.x()[i], w.y()[i], placed[i].type(), placed[i].value()));
            }
            return out;
        });
    }

    /**
     * Each window's positions as runs of consecutive positions of one type, the values copied straight from the
     * read's packed values by ordinal ({@link PackedOrdinalValues}): no object per position (a 17.9 MP photo is 17.9 M
     * of them otherwise). Windows holding row-table positions or a second type take the general path.
     */
    @Override
    public Stream<ValueRun> valueRuns(long parentAtomId, long fromSequence, long limit) {
        requireVisibleParent(parentAtomId);
        PlacedAtoms atoms = new PlacedAtoms(parentAtomId);
        PackedOrdinalValues packed = PackedOrdinalValues.forHeap(Runtime.getRuntime().maxMemory());
        return windows("valueRuns", parentAtomId, fromSequence, limit, (c, w) -> {
            List<ValueRun> runs = packedRuns(c, w, packed);
            if (runs != null) {
                return runs;
            }
            PlacedAtom[] placed = atoms.resolve(c, w);
            AtomType[] types = new AtomType[w.size()];
            byte[][] values = new byte[w.size()][];
            for (int i = 0; i < w.size(); i++) {
                types[i] = placed[i].type();
                values[i] = placed[i].value();
            }
            return ValueRun.of(w.size(), w.sequence(), types, values);
        });
    }

    /**
     * The window's runs from the packed values, looking up the ordinals not kept yet; null when the window needs the
     * general path (a row-table position, a second type, an ordinal past the capacity).
     */
    private static List<ValueRun> packedRuns(Connection c, SegmentReader.Window w, PackedOrdinalValues packed)
            throws SQLException {
        int n = w.size();
        int[] ordinal = w.ordinal();
        if (!packed.usable()) {
            return null;
        }
        Set<Long> missing = new HashSet<>();
        for (int i = 0; i < n; i++) {
            if (ordinal[i] < 0) {
                return null;
            }
            if (!packed.has(ordinal[i])) {
                missing.add(w.atomId()[i]);
            }
        }
        if (!missing.isEmpty()) {
            Map<Long, PlacedAtom> found = atomsById(c, missing);
            for (int i = 0; i < n; i++) {
                if (!packed.has(ordinal[i])) {
                    PlacedAtom atom = found.get(w.atomId()[i]);
                    if (atom == null) {
                        throw new SQLException("atom " + w.atomId()[i] + " placed at sequence " + w.sequence()[i]
                                + " is missing");
                    }
                    packed.put(ordinal[i], atom.type(), atom.value());
                    if (!packed.usable() || !packed.has(ordinal[i])) {
                        return null;
                    }
                }
            }
        }
        if (n == 0) {
            return List.of();
        }
        AtomType type = packed.type();
        int width = type.valueBytes();
        long[] sequence = w.sequence();
        List<ValueRun> runs = new ArrayList<>();
        int from = 0;
        for (int i = 1; i <= n; i++) {
            if (i == n || sequence[i] != sequence[i - 1] + 1) {
                byte[] values = new byte[(i - from) * width];
                for (int k = from, at = 0; k < i; k++, at += width) {
                    packed.copy(ordinal[k], values, at);
                }
                runs.add(new ValueRun(sequence[from], i - from, type, values));
                from = i;
            }
        }
        return runs;
    }

    /**
     * The atoms one read of a parent has resolved: by dictionary ordinal for segment positions, by id for row-table
     * positions, each looked up once per read.
     */
    private final class PlacedAtoms {
        private final long parentAtomId;
        private final OrdinalMemo<PlacedAtom> byOrdinal;
        private final ReadMemo<Long, PlacedAtom> byAtom;

        PlacedAtoms(long parentAtomId) {
            this.parentAtomId = parentAtomId;
            long heap = Runtime.getRuntime().maxMemory();
            this.byOrdinal = OrdinalMemo.forHeap(heap);
            this.byAtom = ReadMemo.forHeap(heap);
        }

        /** The atom at each position of the window. */
        PlacedAtom[] resolve(Connection c, SegmentReader.Window w) throws SQLException {
            PlacedAtom[] placed = new PlacedAtom[w.size()];
            Set<Long> missing = new HashSet<>();
            for (int i = 0; i < w.size(); i++) {
                int ordinal = w.ordinal()[i];
                PlacedAtom known = ordinal >= 0 ? byOrdinal.value(ordinal) : byAtom.get(w.atomId()[i]);
                if (known == null) {
                    missing.add(w.atomId()[i]);
                } else {
                    placed[i] = known;
                }
            }
            if (!missing.isEmpty()) {
                Map<Long, PlacedAtom> found = atomsById(c, missing);
                for (int i = 0; i < w.size(); i++) {
                    if (placed[i] == null) {
                        PlacedAtom atom = found.get(w.atomId()[i]);
                        if (atom == null) {
                            throw new SQLException("atom " + w.atomId()[i] + " placed in " + parentAtomId
                                    + " is missing");
                        }
                        placed[i] = atom;
                        if (w.ordinal()[i] >= 0) {
                            byOrdinal.value(w.ordinal()[i], atom);
                        } else {
                            byAtom.put(w.atomId()[i], atom);
                        }
                    }
                }
            }
            return placed;
        }
    }

    private record PlacedAtom(AtomType type, byte[] value) {
    }

    /** The values of these atoms, in one lookup per piece of array ({@link ArrayPieces}). */
    private static Map<Long, PlacedAtom> atomsById(Connection c, Set<Long> ids) throws SQLException {
        Map<Long, PlacedAtom> atoms = new HashMap<>();
        Map<String, AtomType> types = new HashMap<>();
        Long[] wanted = ids.toArray(new Long[0]);
        try (PreparedStatement ps = c.prepareStatement("SELECT a.AtomId, a.Modality, a.Subtype, a.AtomicValue "
                + "FROM TABLE(A BIGINT = ?) t JOIN Atoms a ON a.AtomId = t.A")) {
            ps.setFetchSize(Rows.BULK_FETCH);
            ArrayPieces.each(wanted.length, (from, to) -> {
                ps.setObject(1, Arrays.copyOfRange(wanted, from, to));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String modality = rs.getString(2);
                        String subtype = rs.getString(3);
                        AtomType type = types.computeIfAbsent(modality + "/" + subtype,
                                k -> AtomType.of(Modality.fromWireName(modality), subtype));
                        atoms.put(rs.getLong(1), new PlacedAtom(type, rs.getBytes(4)));
                    }
                }
            });
        }
        return atoms;
    }

    /** A window's mapped items, and the fetch of the window after it (null after the last). */
    private record Page<T>(List<T> items, CompletableFuture<SegmentReader.Window> following) {
    }

    @FunctionalInterface
    private interface WindowMapper<T> {
        List<T> map(Connection c, SegmentReader.Window window) throws SQLException;
    }

    /**
     * A lazy stream over bounded reads: each window is fetched (its segments and the atom ids of new ordinals) and
     * then mapped (its values looked up), each step its own short read, so no connection is held between windows.
     * Three steps run at once, on virtual threads: while the caller consumes window k, window k + 1 is mapped and
     * window k + 2 fetched. Through {@code ./hart serve} the storage process then works while this one decodes, and a
     * reconstruction encodes at the same time. Fetches run one after another (they alone use the memo of atom ids),
     * as do mappings (they alone use the mapper's memo); about four windows are in memory at once.
     */
    private <T> Stream<T> windows(String operation, long parentAtomId, long fromSequence, long limit,
                                  WindowMapper<T> mapper) {
        OrdinalMemo<?> ids = OrdinalMemo.forHeap(Runtime.getRuntime().maxMemory());
        Iterator<List<T>> pages = new Iterator<>() {
            /** Where the next fetch starts and how much it may still read: written by fetches only. */
            private long cursor = fromSequence;
            private long remaining = limit;
            /** The next page, being fetched and mapped while the caller consumes the current one. */
            private CompletableFuture<Page<T>> ahead;
            private boolean started;
            private List<T> next;

            private SegmentReader.Window fetch() {
                int want = (int) Math.min(remaining, WINDOW);
                long from = cursor;
                SegmentReader.Window w = tx.read(operation, c -> new SegmentReader(c, parentAtomId, ids)
                        .read(from, want));
                remaining = w.size() < want ? 0 : remaining - w.size();
                cursor = w.size() == 0 || w.last() == Long.MAX_VALUE ? -1 : w.last() + 1;
                return w;
            }

            /** Maps a fetched window, having started the fetch of the one after it. */
            private Page<T> map(SegmentReader.Window w) {
                CompletableFuture<SegmentReader.Window> following = remaining > 0 && cursor >= 0
                        ? CompletableFuture.supplyAsync(this::fetch, READ_AHEAD) : null;
                List<T> items = w.size() == 0 ? List.of() : tx.read(operation, c -> mapper.map(c, w));
                return new Page<>(items, following);
            }

            @Override
            public boolean hasNext() {
                if (next == null) {
                    Page<T> page;
                    if (!started) {
                        started = true;
                        page = remaining > 0 && cursor >= 0 ? map(fetch()) : null;
                    } else {
                        page = ahead == null ? null : join(ahead);
                    }
                    ahead = page == null || page.following() == null ? null
                            : page.following().thenApplyAsync(this::map, READ_AHEAD);
                    next = page == null ? null : page.items();
                }
                return next != null && !next.isEmpty();
            }

            @Override
            public List<T> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<T> page = next;
                next = null;
                return page;
            }
        };
        // Flattened by hand: Stream.flatMap behind iterator() buffers each page again, element by element.
        Iterator<T> items = new Iterator<>() {
            private Iterator<T> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext()) {
                    if (!pages.hasNext()) {
                        return false;
                    }
                    current = pages.next().iterator();
                }
                return true;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(items, Spliterator.ORDERED), false);
    }

    /** Each read ahead on its own virtual thread. */
    private static final Executor READ_AHEAD = task -> Thread.ofVirtual().name("hart-read-ahead").start(task);

    /** The read's result, or what it threw, as if it had run on the caller's thread. */
    private static <P> P join(CompletableFuture<P> read) {
        try {
            return read.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    @Override
    public long compositionCount(long parentAtomId) {
        requireVisibleParent(parentAtomId);
        return tx.read("compositionCount", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT (SELECT COALESCE(SUM(PositionCount), 0) FROM CompositionSegments WHERE ParentAtomId = ?) "
                            + "+ (SELECT COUNT(*) FROM AtomCompositionRows WHERE ParentAtomId = ?)")) {
                ps.setLong(1, parentAtomId);
                ps.setLong(2, parentAtomId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private void requireVisibleParent(long parentAtomId) {
        boolean visible = tx.read("requireVisibleParent", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM Atoms a WHERE a.AtomId = ? AND " + Visibility.ATOM)) {
                ps.setLong(1, parentAtomId);
                ps.setString(2, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
        if (!visible) {
            throw new NotFoundException("atom " + parentAtomId + " not found");
        }
    }
}
