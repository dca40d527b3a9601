package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.engine.jdbc.UnitOfWork;
import io.hartonomous.storage.engine.segments.PackedOrdinals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Converts the weights a database holds one row per weight (written before tensor segments, renamed to
 * TensorCoefficientRows / TensorCoefficientRowsHistory by embedded/160) into versioned tensor segments, so that every
 * AS OF answer and every rollback gives the values it gave over the rows (SQL Server never held such rows: no
 * twin there, docs/decisions.md "Tensor segments on SQL Server").
 * <p>
 * One batch is an element range of one tensor, whole aligned blocks of {@link TensorSegmentStore#BLOCK} (about
 * {@code maxPositions} elements), in ONE transaction: its current and history rows are read, each element's timeline
 * (its versions [ValidFrom, ValidTo), the current one open-ended) is built, and consecutive elements whose timelines
 * cover the same times (same birth, same removals) form a segment inside one block. The segment gets a version at
 * every distinct time at which one of its values changed: [t_i, t_i+1) holds each element's value valid at t_i; the
 * last, if still valid, is the current segment (ValidFrom = the newest change, i.e. the newest ValidFrom of its rows
 * when that row changed a value), the others go to TensorSegmentsHistory with Replaced = how many values the next
 * version changed (all of them where the elements were removed). AS OF T therefore finds, per element, the same value
 * (or the same absence) the rows gave. The model's dictionary gains the current values' occurrences (numbered in
 * order of first appearance); values only history holds get entries at zero occurrences, as the writer keeps them.
 * ReferenceCount does not change. The rows are then deleted: converted rows are gone, so the migration is idempotent
 * and an open after a crash continues with what is left. A model whose ingestion or deletion job is RUNNING is passed
 * over (its writer owns the dictionary); rows outside their tensor's grid stay rows.
 */
final class TensorRowMigration {
    static final int BATCH_POSITIONS = 65_536;

    private static final Instant OPEN = Instant.MAX;

    private final Connection c;
    private final long span;

    TensorRowMigration(Connection c, int maxPositions) {
        if (maxPositions < 1) {
            throw new IllegalArgumentException("a batch holds at least one position, not " + maxPositions);
        }
        this.c = c;
        int block = TensorSegmentStore.BLOCK;
        this.span = (long) Math.max(1, maxPositions / block) * block;
    }

    /** Where the next batch starts: elements from {@code from} on of tensor {@code layer} of model {@code model}. */
    record Cursor(long model, int layer, long from) {
    }

    /** Every batch of every model with rows; the positions converted (current and history rows). */
    long runToEnd() throws SQLException {
        long converted = 0;
        for (Cursor at = first(); at != null; ) {
            Step step = batch(at);
            converted += step.converted();
            at = step.next();
        }
        return converted;
    }

    record Step(Cursor next, long converted) {
    }

    /** The first batch's cursor, or null when no rows are left. */
    Cursor first() throws SQLException {
        return after(Long.MIN_VALUE, Integer.MIN_VALUE);
    }

    /** The start of the first tensor with rows after (model, layer), at its first row's block. */
    private Cursor after(long model, int layer) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT ModelId, LayerIdx, MIN(PositionZ) FROM ("
                + "SELECT ModelId, LayerIdx, PositionZ FROM TensorCoefficientRows UNION ALL "
                + "SELECT ModelId, LayerIdx, PositionZ FROM TensorCoefficientRowsHistory) r "
                + "WHERE ModelId > ? OR ModelId = ? AND LayerIdx > ? GROUP BY ModelId, LayerIdx "
                + "ORDER BY ModelId, LayerIdx LIMIT 1")) {
            ps.setLong(1, model);
            ps.setLong(2, model);
            ps.setInt(3, layer);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long m = rs.getLong(1);
                int l = rs.getInt(2);
                TensorGrid g = new TensorSegmentStore(c, m).grids().get(l);
                long from = g == null ? 0 : rs.getLong(3) * g.sizeX() * g.sizeY();
                return new Cursor(m, l, from - from % TensorSegmentStore.BLOCK);
            }
        }
    }

    /** One batch, committed (or rolled back whole). */
    Step batch(Cursor at) throws SQLException {
        return UnitOfWork.inOneTransaction(c, connection -> convert(at));
    }

    private Step convert(Cursor at) throws SQLException {
        TensorSegmentStore store = new TensorSegmentStore(c, at.model());
        TensorGrid grid = store.grids().get(at.layer());
        if (grid == null || !lockIdleModel(at.model())) {
            // No grid (its rows stay rows) or a job owns the model: on to the next tensor.
            return new Step(after(at.model(), at.layer()), 0);
        }
        long lo = at.from();
        long hi = lo + span;
        long plane = grid.sizeX() * grid.sizeY();
        long zFrom = lo / plane;
        long zTo = (hi - 1) / plane;
        Map<Long, List<Version>> timelines = new TreeMap<>();
        read(at, grid, "SELECT PositionZ, PositionY, PositionX, TensorAtomId, ValidFrom, NULL FROM "
                + "TensorCoefficientRows", zFrom, zTo, lo, hi, timelines);
        read(at, grid, "SELECT PositionZ, PositionY, PositionX, TensorAtomId, ValidFrom, ValidTo FROM "
                + "TensorCoefficientRowsHistory", zFrom, zTo, lo, hi, timelines);
        long converted = 0;
        if (!timelines.isEmpty()) {
            converted = write(store, at.layer(), grid, timelines);
            int current = delete("TensorCoefficientRows", at, grid, zFrom, zTo, lo, hi);
            int history = delete("TensorCoefficientRowsHistory", at, grid, zFrom, zTo, lo, hi);
            if (current + history != converted) {
                throw new SQLException("weight rows of model " + at.model() + " changed during their migration");
            }
        }
        // Rows of the tensor lie below (max Z + 1) * plane: past that, on to the next tensor.
        Cursor next = hi < grid.elements() && hi < (maxZ(at) + 1) * plane ? new Cursor(at.model(), at.layer(), hi)
                : after(at.model(), at.layer());
        return new Step(next, converted);
    }

    /** One version of one element's value. */
    private record Version(Instant from, Instant to, long atom) {
    }

    /** A segment's value at each element, valid over [from, to). */
    private record SegmentVersion(Instant from, Instant to, long[] atoms) {
    }

    private void read(Cursor at, TensorGrid grid, String select, long zFrom, long zTo, long lo, long hi,
                      Map<Long, List<Version>> timelines) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(select + " WHERE ModelId = ? AND LayerIdx = ? "
                + "AND PositionZ BETWEEN ? AND ?")) {
            ps.setLong(1, at.model());
            ps.setInt(2, at.layer());
            ps.setLong(3, zFrom);
            ps.setLong(4, zTo);
            ps.setFetchSize(Rows.FETCH_SIZE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long i = grid.index(rs.getLong(3), rs.getLong(2), rs.getLong(1));
                    if (i < lo || i >= hi) {
                        continue;
                    }
                    OffsetDateTime to = rs.getObject(6, OffsetDateTime.class);
                    timelines.computeIfAbsent(i, k -> new ArrayList<>()).add(new Version(
                            rs.getObject(5, OffsetDateTime.class).toInstant(), to == null ? OPEN : to.toInstant(),
                            rs.getLong(4)));
                }
            }
        }
    }

    /** The rows of the range inside the grid (those outside stay); how many went. */
    private int delete(String table, Cursor at, TensorGrid grid, long zFrom, long zTo, long lo, long hi)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE ModelId = ? AND LayerIdx = ? "
                + "AND PositionZ BETWEEN ? AND ? AND PositionX >= 0 AND PositionX < ? AND PositionY >= 0 "
                + "AND PositionY < ? AND (PositionZ * ? + PositionY) * ? + PositionX BETWEEN ? AND ?")) {
            ps.setLong(1, at.model());
            ps.setInt(2, at.layer());
            ps.setLong(3, zFrom);
            ps.setLong(4, zTo);
            ps.setLong(5, grid.sizeX());
            ps.setLong(6, grid.sizeY());
            ps.setLong(7, grid.sizeY());
            ps.setLong(8, grid.sizeX());
            ps.setLong(9, lo);
            ps.setLong(10, Math.min(hi, grid.elements()) - 1);
            return ps.executeUpdate();
        }
    }

    /** Segments and their versions from the elements' timelines; the rows they stand for. */
    private long write(TensorSegmentStore store, int layer, TensorGrid grid, Map<Long, List<Version>> timelines)
            throws SQLException {
        List<Long> elements = new ArrayList<>(timelines.keySet());
        List<List<Version>> sorted = new ArrayList<>(elements.size());
        List<List<Instant>> coverage = new ArrayList<>(elements.size());
        long rows = 0;
        for (long e : elements) {
            List<Version> v = new ArrayList<>(timelines.get(e));
            v.sort((a, b) -> a.from().compareTo(b.from()));
            rows += v.size();
            sorted.add(v);
            coverage.add(covered(v));
        }
        // Runs: consecutive elements of one block with the same coverage.
        List<int[]> runs = new ArrayList<>();
        for (int a = 0; a < elements.size(); ) {
            int b = a + 1;
            while (b < elements.size() && elements.get(b) == elements.get(b - 1) + 1
                    && elements.get(b) % TensorSegmentStore.BLOCK != 0 && coverage.get(b).equals(coverage.get(a))) {
                b++;
            }
            runs.add(new int[] {a, b});
            a = b;
        }
        List<List<SegmentVersion>> versions = new ArrayList<>(runs.size());
        Map<Long, Long> currentOccurrences = new LinkedHashMap<>();
        Map<Long, Boolean> anyAtom = new LinkedHashMap<>();
        for (int[] run : runs) {
            List<SegmentVersion> vs = versions(sorted.subList(run[0], run[1]));
            versions.add(vs);
            for (SegmentVersion v : vs) {
                for (long atom : v.atoms()) {
                    anyAtom.put(atom, Boolean.TRUE);
                    if (v.to() == OPEN) {
                        currentOccurrences.merge(atom, 1L, Long::sum);
                    }
                }
            }
        }
        Map<Long, Integer> ordinal = ordinals(store.modelId(), currentOccurrences, anyAtom);
        List<TensorSegmentStore.Segment> current = new ArrayList<>();
        for (int r = 0; r < runs.size(); r++) {
            long first = elements.get(runs.get(r)[0]);
            List<SegmentVersion> vs = versions.get(r);
            for (int k = 0; k < vs.size(); k++) {
                SegmentVersion v = vs.get(k);
                TensorSegmentStore.Segment s = segment(layer, first, grid, v, ordinal);
                if (v.to() == OPEN) {
                    current.add(s);
                } else {
                    SegmentVersion next = k + 1 < vs.size() ? vs.get(k + 1) : null;
                    store.toHistory(s, v.to(), replaced(v, next));
                }
            }
        }
        if (!current.isEmpty()) {
            store.insert(current);
        }
        return rows;
    }

    /** The element's times of presence as [start, end, start, end …] of maximal covered intervals. */
    private static List<Instant> covered(List<Version> v) {
        List<Instant> out = new ArrayList<>();
        for (Version x : v) {
            if (!out.isEmpty() && !out.getLast().isBefore(x.from())) {
                if (x.to().isAfter(out.getLast())) {
                    out.set(out.size() - 1, x.to());
                }
            } else {
                out.add(x.from());
                out.add(x.to());
            }
        }
        return out;
    }

    /**
     * A run's versions: a boundary at every time one of its elements' versions starts or ends; consecutive intervals
     * with the same values are one version (an old update that wrote the value again changed nothing).
     */
    private static List<SegmentVersion> versions(List<List<Version>> run) {
        TreeSet<Instant> times = new TreeSet<>();
        for (List<Version> vs : run) {
            for (Version v : vs) {
                times.add(v.from());
                times.add(v.to());
            }
        }
        List<SegmentVersion> out = new ArrayList<>();
        Instant prev = null;
        for (Instant t : times) {
            if (prev != null) {
                long[] atoms = valuesAt(run, prev);
                if (atoms != null) {
                    SegmentVersion last = out.isEmpty() ? null : out.getLast();
                    if (last != null && last.to().equals(prev) && java.util.Arrays.equals(last.atoms(), atoms)) {
                        out.set(out.size() - 1, new SegmentVersion(last.from(), t, atoms));
                    } else {
                        out.add(new SegmentVersion(prev, t, atoms));
                    }
                }
            }
            prev = t;
        }
        return out;
    }

    /** Each element's value valid at {@code t}, or null when the run's elements are absent then (same coverage). */
    private static long[] valuesAt(List<List<Version>> run, Instant t) {
        long[] atoms = new long[run.size()];
        for (int k = 0; k < run.size(); k++) {
            Version found = null;
            for (Version v : run.get(k)) {
                if (!v.from().isAfter(t) && v.to().isAfter(t)) {
                    found = v;
                }
            }
            if (found == null) {
                return null;
            }
            atoms[k] = found.atom();
        }
        return atoms;
    }

    /** How many of a history version's values its successor changed; all where the elements were removed. */
    private static int replaced(SegmentVersion v, SegmentVersion next) {
        if (next == null || !next.from().equals(v.to())) {
            return v.atoms().length;
        }
        int n = 0;
        for (int k = 0; k < v.atoms().length; k++) {
            n += v.atoms()[k] != next.atoms()[k] ? 1 : 0;
        }
        return n;
    }

    private Map<Long, Integer> ordinals(long model, Map<Long, Long> currentOccurrences, Map<Long, Boolean> anyAtom)
            throws SQLException {
        SegmentDictionary dictionary = SegmentDictionary.tensor(c, model);
        long[] ids = currentOccurrences.keySet().stream().mapToLong(Long::longValue).toArray();
        long[] occurrences = currentOccurrences.values().stream().mapToLong(Long::longValue).toArray();
        dictionary.add(ids, occurrences);
        long[] all = anyAtom.keySet().stream().mapToLong(Long::longValue).toArray();
        int[] ords = dictionary.entries(all);
        Map<Long, Integer> out = new HashMap<>(all.length * 2);
        for (int i = 0; i < all.length; i++) {
            out.put(all[i], ords[i]);
        }
        return out;
    }

    private static TensorSegmentStore.Segment segment(int layer, long first, TensorGrid grid, SegmentVersion v,
                                                      Map<Long, Integer> ordinal) {
        int[] ords = new int[v.atoms().length];
        int max = 0;
        for (int k = 0; k < ords.length; k++) {
            ords[k] = Objects.requireNonNull(ordinal.get(v.atoms()[k]));
            max = Math.max(max, ords[k]);
        }
        int width = PackedOrdinals.widthFor(max);
        return new TensorSegmentStore.Segment(layer, first, ords.length, grid.sizeX(), grid.sizeY(), width,
                PackedOrdinals.pack(ords, 0, ords.length, width), v.from());
    }

    private long maxZ(Cursor at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(PositionZ) FROM (SELECT PositionZ FROM "
                + "TensorCoefficientRows WHERE ModelId = ? AND LayerIdx = ? UNION ALL SELECT PositionZ FROM "
                + "TensorCoefficientRowsHistory WHERE ModelId = ? AND LayerIdx = ?) r")) {
            ps.setLong(1, at.model());
            ps.setInt(2, at.layer());
            ps.setLong(3, at.model());
            ps.setInt(4, at.layer());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long z = rs.getLong(1);
                return rs.wasNull() ? -1 : z;
            }
        }
    }

    /** Locks the model's file atom (as a job start does) and tells whether no job of it is RUNNING. */
    private boolean lockIdleModel(long model) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT a.AtomId FROM Models m JOIN Atoms a "
                + "ON a.AtomId = m.ParentAtomId WHERE m.ModelId = ? FOR UPDATE")) {
            ps.setLong(1, model);
            ps.executeQuery().close();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM Models m WHERE m.ModelId = ? AND ("
                + "EXISTS (SELECT 1 FROM IngestionJobs j WHERE (j.JobId = m.JobId OR j.ParentAtomId = m.ParentAtomId) "
                + "AND j.State = 'RUNNING') OR EXISTS (SELECT 1 FROM DeletionJobs d WHERE d.FileAtomId = m.ParentAtomId "
                + "AND d.State = 'RUNNING'))")) {
            ps.setLong(1, model);
            try (ResultSet rs = ps.executeQuery()) {
                return !rs.next();
            }
        }
    }
}
