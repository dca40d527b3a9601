package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.atoms.AtomComposition;
import io.hartonomous.storage.contract.atoms.AtomReads;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.atoms.PlacedValue;
import io.hartonomous.storage.engine.jdbc.Binder;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
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

    /** Positions decoded per read: one bounded range of segments and one atom lookup per distinct value. */
    private static final int WINDOW = 65_536;

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
        ReadMemo<Long, PlacedAtom> values = ReadMemo.forHeap(Runtime.getRuntime().maxMemory());
        return windows("placedValues", parentAtomId, fromSequence, limit, (c, w) -> {
            Map<Long, PlacedAtom> atoms = atomsById(c, w, values);
            List<PlacedValue> out = new ArrayList<>(w.size());
            for (int i = 0; i < w.size(); i++) {
                PlacedAtom a = atoms.get(w.atomId()[i]);
                out.add(new PlacedValue(w.sequence()[i], w.x()[i], w.y()[i], a.type(), a.value()));
            }
            return out;
        });
    }

    private record PlacedAtom(AtomType type, byte[] value) {
    }

    /** The window's atoms: those an earlier window of the read resolved, and one lookup for the rest. */
    private static Map<Long, PlacedAtom> atomsById(Connection c, SegmentReader.Window w,
                                                   ReadMemo<Long, PlacedAtom> values) throws SQLException {
        Map<Long, PlacedAtom> atoms = new HashMap<>();
        Set<Long> missing = new HashSet<>();
        for (int i = 0; i < w.size(); i++) {
            long id = w.atomId()[i];
            if (!atoms.containsKey(id) && !missing.contains(id)) {
                PlacedAtom known = values.get(id);
                if (known != null) {
                    atoms.put(id, known);
                } else {
                    missing.add(id);
                }
            }
        }
        if (missing.isEmpty()) {
            return atoms;
        }
        Map<String, AtomType> types = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.AtomId, a.Modality, a.Subtype, a.AtomicValue "
                + "FROM TABLE(A BIGINT = ?) t JOIN Atoms a ON a.AtomId = t.A")) {
            ps.setObject(1, missing.toArray(new Long[0]));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String modality = rs.getString(2);
                    String subtype = rs.getString(3);
                    AtomType type = types.computeIfAbsent(modality + "/" + subtype,
                            k -> AtomType.of(Modality.fromWireName(modality), subtype));
                    PlacedAtom atom = new PlacedAtom(type, rs.getBytes(4));
                    atoms.put(rs.getLong(1), atom);
                    values.put(rs.getLong(1), atom);
                }
            }
        }
        return atoms;
    }

    private record Page<T>(int size, long last, List<T> items) {
    }

    @FunctionalInterface
    private interface WindowMapper<T> {
        List<T> map(Connection c, SegmentReader.Window window) throws SQLException;
    }

    /**
     * A lazy stream over bounded reads: each window is its own short read (no connection held between windows), so
     * memory stays at one window whatever the limit.
     */
    private <T> Stream<T> windows(String operation, long parentAtomId, long fromSequence, long limit,
                                  WindowMapper<T> mapper) {
        ReadMemo<Integer, Long> atomOfOrdinal = ReadMemo.forHeap(Runtime.getRuntime().maxMemory());
        Iterator<List<T>> pages = new Iterator<>() {
            private long cursor = fromSequence;
            private long remaining = limit;
            private List<T> next;

            @Override
            public boolean hasNext() {
                if (next == null && remaining > 0 && cursor >= 0) {
                    int want = (int) Math.min(remaining, WINDOW);
                    Page<T> page = tx.read(operation, c -> {
                        SegmentReader.Window w = new SegmentReader(c, parentAtomId, atomOfOrdinal).read(cursor, want);
                        return new Page<>(w.size(), w.size() == 0 ? 0 : w.last(), mapper.map(c, w));
                    });
                    remaining = page.size() < want ? 0 : remaining - page.size();
                    cursor = page.size() == 0 || page.last() == Long.MAX_VALUE ? -1 : page.last() + 1;
                    next = page.items();
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
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED), false)
                .flatMap(List::stream);
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
