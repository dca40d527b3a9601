package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.ModelStore;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.models.RollbackReport;
import io.hartonomous.storage.contract.models.Snapshot;
import io.hartonomous.storage.contract.models.TensorCell;
import io.hartonomous.storage.contract.models.WeightUpdate;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Models and weight history. Tensors are versioned segments (TensorSegmentStore): a weight change writes a new
 * version of the segments it touches and moves the old ones to history, which AS OF and rollback read.
 */
record EmbeddedModelStore(String tenantId, UnitOfWork tx, AtomUpserter upserter) implements ModelStore {
    private static final String MODEL_COLUMNS = "m.ModelId, m.ParentAtomId, m.Name, m.Format, m.TensorCount, "
            + "m.ParameterCount, m.Metadata, m.CreatedAt";

    static Optional<Model> modelByJob(Connection c, long jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + MODEL_COLUMNS + " FROM Models m WHERE m.JobId = ?")) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Rows.RECORDS.model(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public List<Model> list() {
        return tx.read("list", c -> {
            List<Model> models = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + MODEL_COLUMNS + " FROM Models m WHERE "
                    + Visibility.parent("m.ParentAtomId") + " ORDER BY m.ModelId")) {
                ps.setString(1, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        models.add(Rows.RECORDS.model(rs));
                    }
                }
            }
            return models;
        });
    }

    @Override
    public Optional<Model> byId(long modelId) {
        return tx.read("byId", c -> visibleModel(c, modelId));
    }

    private Optional<Model> visibleModel(Connection c, long modelId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + MODEL_COLUMNS + " FROM Models m WHERE m.ModelId = ? "
                + "AND " + Visibility.parent("m.ParentAtomId"))) {
            ps.setLong(1, modelId);
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Rows.RECORDS.model(rs)) : Optional.empty();
            }
        }
    }

    private Model requireModel(Connection c, long modelId) throws SQLException {
        return visibleModel(c, modelId).orElseThrow(() -> new NotFoundException("model " + modelId + " not found"));
    }

    @Override
    public List<ModelLayer> layers(long modelId) {
        return tx.read("layers", c -> {
            requireModel(c, modelId);
            List<ModelLayer> layers = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT ModelId, LayerIdx, Name, Shape, DType, StoredAs, "
                    + "ElementCount FROM ModelLayers WHERE ModelId = ? ORDER BY LayerIdx")) {
                ps.setLong(1, modelId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        layers.add(Rows.RECORDS.layer(rs));
                    }
                }
            }
            return layers;
        });
    }

    @Override
    public Optional<byte[]> structure(long modelId) {
        return tx.read("structure", c -> {
            requireModel(c, modelId);
            try (PreparedStatement ps = c.prepareStatement("SELECT Structure FROM Models WHERE ModelId = ?")) {
                ps.setLong(1, modelId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return Optional.ofNullable(rs.getBytes(1));
                }
            }
        });
    }

    /**
     * A tensor as of an instant: its segment versions, read in one statement per table (one consistent read; the
     * packed ordinals take at most four bytes a weight), then decoded lazily into cells.
     */
    @Override
    public Stream<TensorCell> tensor(long modelId, int layerIdx, Instant asOf) {
        Decoded d = tx.read("tensor", c -> decoded(c, modelId, layerIdx, asOf));
        return d.segments().stream().flatMap(s -> java.util.stream.IntStream.range(0, s.count()).mapToObj(k -> {
            long i = s.first() + k;
            int ordinal = s.ordinal(k);
            return new TensorCell(i % s.sizeX(), i / s.sizeX() % s.sizeY(), i / s.sizeX() / s.sizeY(),
                    AtomType.of(Modality.MODEL, d.values().subtype(ordinal)), d.values().value(ordinal));
        }));
    }

    /** Decoded straight from the segments: each used value looked up once, then copied per element. */
    @Override
    public byte[] tensorBytes(long modelId, int layerIdx, Instant asOf) {
        Decoded d = tx.read("tensorBytes", c -> decoded(c, modelId, layerIdx, asOf));
        return d.values().concatenate(d.segments());
    }

    private record Decoded(List<TensorSegmentStore.Segment> segments, TensorValues values) {
    }

    private Decoded decoded(Connection c, long modelId, int layerIdx, Instant asOf) throws SQLException {
        requireModel(c, modelId);
        List<TensorSegmentStore.Segment> segments = new TensorSegmentStore(c, modelId).read(layerIdx, asOf);
        return new Decoded(segments, TensorValues.of(c, modelId, segments));
    }

    /**
     * Rewrites only the segments the updates touch: each one's old version goes to history, the new one holds the
     * new values (a value new to the model gets the next dictionary ordinal). Reference counts move as with rows:
     * the new value gains a reference per position it now holds, the old one loses it.
     */
    @Override
    public Instant weightVersion(long modelId, Instant asOf) {
        return tx.read("weightVersion", c -> WeightChanges.version(c, requireModel(c, modelId), asOf));
    }

    @Override
    public int updateWeights(long modelId, int layerIdx, List<WeightUpdate> updates) {
        if (updates.isEmpty()) {
            return 0;
        }
        return tx.inTransaction("updateWeights", c -> {
            requireModel(c, modelId);
            TensorSegmentStore store = new TensorSegmentStore(c, modelId);
            TensorGrid grid = store.grids().get(layerIdx);
            long[] index = new long[updates.size()];
            java.util.Set<Long> blocks = new java.util.TreeSet<>();
            for (int i = 0; i < updates.size(); i++) {
                WeightUpdate u = updates.get(i);
                index[i] = grid == null ? -1 : grid.index(u.positionX(), u.positionY(), u.positionZ());
                if (index[i] < 0) {
                    throw noPosition(modelId, layerIdx, u);
                }
                blocks.add(index[i] / TensorSegmentStore.BLOCK);
            }
            List<TensorSegmentStore.Segment> locked = store.lockBlocks(layerIdx, blocks.toArray(new Long[0]));

            List<NewAtom> distinct = new ArrayList<>();
            java.util.Map<io.hartonomous.storage.contract.atoms.ContentHash, Integer> slotOf = new java.util.HashMap<>();
            int[] slot = new int[updates.size()];
            for (int i = 0; i < updates.size(); i++) {
                NewAtom value = updates.get(i).value();
                Integer s = slotOf.get(value.contentHash());
                if (s == null) {
                    s = distinct.size();
                    slotOf.put(value.contentHash(), s);
                    distinct.add(value);
                }
                slot[i] = s;
            }
            long[] delta = new long[distinct.size()];
            for (int s : slot) {
                delta[s]++;
            }
            long[] ids = upserter.upsert(c, distinct, delta).atomIds();
            SegmentDictionary dictionary = SegmentDictionary.tensor(c, modelId);
            int[] ordinalOf = dictionary.entries(ids);

            // The updates applied in order to the decoded segments, as the row model applied them row by row.
            java.util.Map<Long, int[]> working = new java.util.LinkedHashMap<>();
            java.util.Map<Long, TensorSegmentStore.Segment> byFirst = new java.util.HashMap<>();
            java.util.Map<Integer, Long> occurrences = new java.util.HashMap<>();
            java.util.Map<Integer, Long> released = new java.util.HashMap<>();
            int changed = 0;
            for (int i = 0; i < updates.size(); i++) {
                TensorSegmentStore.Segment seg = containing(locked, index[i]);
                if (seg == null) {
                    throw noPosition(modelId, layerIdx, updates.get(i));
                }
                byFirst.put(seg.first(), seg);
                int[] ords = working.computeIfAbsent(seg.first(), f -> seg.decode());
                int k = (int) (index[i] - seg.first());
                int previous = ords[k];
                int next = ordinalOf[slot[i]];
                if (previous == next) {
                    released.merge(next, 1L, Long::sum); // the upsert's reference: the value was there already
                    continue;
                }
                ords[k] = next;
                occurrences.merge(previous, -1L, Long::sum);
                occurrences.merge(next, 1L, Long::sum);
                released.merge(previous, 1L, Long::sum);
                changed++;
            }
            writeVersions(store, byFirst, working);
            dictionary.adjust(nonZero(occurrences));
            adjustReferences(c, dictionary, released, -1);
            if (changed > 0) {
                WeightChanges.record(c, modelId);
            }
            return changed;
        });
    }

    /** The current segment of the locked ones that holds element {@code index}, or null. */
    private static TensorSegmentStore.Segment containing(List<TensorSegmentStore.Segment> segments, long index) {
        for (TensorSegmentStore.Segment s : segments) {
            if (s.first() <= index && index < s.end()) {
                return s;
            }
        }
        return null;
    }

    /** New versions of the segments whose values differ now; the replaced versions go to history. */
    private static void writeVersions(TensorSegmentStore store, java.util.Map<Long, TensorSegmentStore.Segment> old,
                                      java.util.Map<Long, int[]> values) throws SQLException {
        Instant now = TensorSegmentStore.versionTime(List.copyOf(old.values()));
        for (java.util.Map.Entry<Long, int[]> e : values.entrySet()) {
            TensorSegmentStore.Segment seg = old.get(e.getKey());
            int replaced = 0;
            for (int k = 0; k < seg.count(); k++) {
                if (seg.ordinal(k) != e.getValue()[k]) {
                    replaced++;
                }
            }
            if (replaced > 0) {
                store.replace(seg, seg.with(e.getValue(), now), replaced);
            }
        }
    }

    private static java.util.Map<Integer, Long> nonZero(java.util.Map<Integer, Long> deltas) {
        java.util.Map<Integer, Long> out = new java.util.HashMap<>();
        deltas.forEach((k, v) -> {
            if (v != 0) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Each ordinal's atom gains {@code sign * n} references, one batched statement in atom order. */
    private static void adjustReferences(Connection c, SegmentDictionary dictionary,
                                         java.util.Map<Integer, Long> perOrdinal, int sign) throws SQLException {
        java.util.Map<Integer, Long> atoms = dictionary.atomIds(perOrdinal.keySet());
        java.util.TreeMap<Long, Long> byAtom = new java.util.TreeMap<>();
        perOrdinal.forEach((ordinal, n) -> byAtom.merge(atoms.get(ordinal), sign * n, Long::sum));
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE Atoms SET ReferenceCount = ReferenceCount + ? WHERE AtomId = ?")) {
            for (java.util.Map.Entry<Long, Long> e : byAtom.entrySet()) {
                if (e.getValue() != 0) {
                    ps.setLong(1, e.getValue());
                    ps.setLong(2, e.getKey());
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private static NotFoundException noPosition(long modelId, int layerIdx, WeightUpdate u) {
        return new NotFoundException("tensor " + layerIdx + " of model " + modelId + " has no position ("
                + u.positionX() + ", " + u.positionY() + ", " + u.positionZ() + ")");
    }

    /**
     * Only segments written after {@code to} can differ from what was valid then: for each, the version valid at
     * {@code to} becomes current again (as a new version; the replaced one goes to history), counted by the
     * positions whose value differs. A segment that did not exist at {@code to} is left alone, as rows were.
     */
    @Override
    public RollbackReport rollback(long modelId, Instant to, boolean dryRun) {
        if (to.isAfter(Instant.now())) {
            throw new IllegalArgumentException("cannot roll back to " + to + ": it is in the future");
        }
        return tx.inTransaction("rollback", c -> {
            requireModel(c, modelId);
            TensorSegmentStore store = new TensorSegmentStore(c, modelId);
            List<TensorSegmentStore.Pair> pairs = store.changedSince(to);
            java.util.Map<Integer, Long> occurrences = new java.util.HashMap<>();
            long changes = 0;
            List<TensorSegmentStore.Pair> differing = new ArrayList<>();
            for (TensorSegmentStore.Pair p : pairs) {
                int diff = 0;
                for (int k = 0; k < p.current().count(); k++) {
                    int now = p.current().ordinal(k);
                    int then = p.then().ordinal(k);
                    if (now != then) {
                        diff++;
                        occurrences.merge(now, -1L, Long::sum);
                        occurrences.merge(then, 1L, Long::sum);
                    }
                }
                if (diff > 0) {
                    changes += diff;
                    differing.add(p);
                }
            }
            if (!dryRun && !differing.isEmpty()) {
                WeightChanges.record(c, modelId);
                Instant now = TensorSegmentStore.versionTime(differing.stream().map(TensorSegmentStore.Pair::current)
                        .toList());
                for (TensorSegmentStore.Pair p : differing) {
                    int diff = 0;
                    for (int k = 0; k < p.current().count(); k++) {
                        diff += p.current().ordinal(k) != p.then().ordinal(k) ? 1 : 0;
                    }
                    store.replace(p.current(), p.current().with(p.then().decode(), now), diff);
                }
                java.util.Map<Integer, Long> moved = nonZero(occurrences);
                SegmentDictionary dictionary = SegmentDictionary.tensor(c, modelId);
                dictionary.adjust(moved);
                adjustReferences(c, dictionary, moved, 1);
            }
            return new RollbackReport(modelId, to, changes, dryRun);
        });
    }

    @Override
    public Snapshot createSnapshot(long modelId, String name) {
        if (name == null || name.isBlank() || name.length() > 128) {
            throw new IllegalArgumentException("a snapshot needs a name of 1-128 characters");
        }
        return tx.inTransaction("createSnapshot", c -> {
            requireModel(c, modelId);
            Instant now = Rows.micros(Instant.now());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO WeightSnapshots (ModelId, Name, TakenAt) "
                    + "VALUES (?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, modelId);
                ps.setString(2, name);
                Rows.setInstant(ps, 3, now);
                ps.executeUpdate();
                return new Snapshot(EmbeddedIngestWrites.generatedKey(ps), modelId, name, now);
            } catch (SQLException e) {
                if (H2Errors.isUniqueViolation(e)) {
                    throw new ConflictException("model " + modelId + " already has a snapshot named '" + name + "'");
                }
                throw e;
            }
        });
    }

    @Override
    public List<Snapshot> snapshots(long modelId) {
        return tx.read("snapshots", c -> {
            requireModel(c, modelId);
            List<Snapshot> snapshots = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT SnapshotId, ModelId, Name, TakenAt FROM "
                    + "WeightSnapshots WHERE ModelId = ? ORDER BY TakenAt, SnapshotId")) {
                ps.setLong(1, modelId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        snapshots.add(Rows.RECORDS.snapshot(rs));
                    }
                }
            }
            return snapshots;
        });
    }
}
