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
import io.hartonomous.storage.engine.jdbc.Cursor;
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

/** Models and weight history. Weight changes go through the history trigger, so AS OF and rollback see them. */
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

    /** A tensor now, ordered by the whole primary key: H2 walks the index in order instead of sorting it. */
    static final String TENSOR_NOW = "SELECT t.PositionX, t.PositionY, t.PositionZ, a.Subtype, a.AtomicValue "
            + "FROM TensorAtomCoefficients t JOIN Atoms a ON a.AtomId = t.TensorAtomId WHERE t.ModelId = ? "
            + "AND t.LayerIdx = ? ORDER BY t.ModelId, t.LayerIdx, t.PositionZ, t.PositionY, t.PositionX";

    @Override
    public Stream<TensorCell> tensor(long modelId, int layerIdx, Instant asOf) {
        tx.read("tensor", c -> requireModel(c, modelId));
        String sql;
        if (asOf == null) {
            sql = TENSOR_NOW;
        } else {
            String cells = "SELECT PositionZ, PositionY, PositionX, TensorAtomId FROM TensorAtomCoefficients "
                    + "WHERE ModelId = ? AND LayerIdx = ? AND ValidFrom <= ? UNION ALL SELECT PositionZ, PositionY, "
                    + "PositionX, TensorAtomId FROM TensorAtomCoefficientsHistory WHERE ModelId = ? AND LayerIdx = ? "
                    + "AND ValidFrom <= ? AND ValidTo > ?";
            sql = "SELECT t.PositionX, t.PositionY, t.PositionZ, a.Subtype, a.AtomicValue FROM (" + cells
                    + ") t JOIN Atoms a ON a.AtomId = t.TensorAtomId ORDER BY t.PositionZ, t.PositionY, t.PositionX";
        }
        return tx.stream("tensor", Cursor.query(sql, Rows.FETCH_SIZE, ps -> {
            ps.setLong(1, modelId);
            ps.setInt(2, layerIdx);
            if (asOf != null) {
                Rows.setInstant(ps, 3, asOf);
                ps.setLong(4, modelId);
                ps.setInt(5, layerIdx);
                Rows.setInstant(ps, 6, asOf);
                Rows.setInstant(ps, 7, asOf);
            }
        }), rs -> new TensorCell(rs.getLong("PositionX"), rs.getLong("PositionY"), rs.getLong("PositionZ"),
                AtomType.of(Modality.MODEL, rs.getString("Subtype")), rs.getBytes("AtomicValue")));
    }

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
            List<NewAtom> distinct = new ArrayList<>();
            java.util.Map<io.hartonomous.storage.contract.atoms.ContentHash, Integer> ordinalOf = new java.util.HashMap<>();
            int[] ordinals = new int[updates.size()];
            for (int i = 0; i < updates.size(); i++) {
                NewAtom value = updates.get(i).value();
                Integer ordinal = ordinalOf.get(value.contentHash());
                if (ordinal == null) {
                    ordinal = distinct.size();
                    ordinalOf.put(value.contentHash(), ordinal);
                    distinct.add(value);
                }
                ordinals[i] = ordinal;
            }
            long[] delta = new long[distinct.size()];
            for (int ordinal : ordinals) {
                delta[ordinal]++;
            }
            long[] ids = upserter.upsert(c, distinct, delta).atomIds();
            int changed = 0;
            for (int i = 0; i < updates.size(); i++) {
                WeightUpdate u = updates.get(i);
                long previous = currentAtom(c, modelId, layerIdx, u);
                long next = ids[ordinals[i]];
                if (previous == next) {
                    adjustReferences(c, next, -1);
                    continue;
                }
                replaceAtom(c, modelId, layerIdx, u.positionZ(), u.positionY(), u.positionX(), next);
                adjustReferences(c, previous, -1);
                changed++;
            }
            if (changed > 0) {
                WeightChanges.record(c, modelId);
            }
            return changed;
        });
    }

    private static long currentAtom(Connection c, long modelId, int layerIdx, WeightUpdate u) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT TensorAtomId FROM TensorAtomCoefficients WHERE ModelId = ? "
                + "AND LayerIdx = ? AND PositionZ = ? AND PositionY = ? AND PositionX = ? FOR UPDATE")) {
            ps.setLong(1, modelId);
            ps.setInt(2, layerIdx);
            ps.setLong(3, u.positionZ());
            ps.setLong(4, u.positionY());
            ps.setLong(5, u.positionX());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("tensor " + layerIdx + " of model " + modelId + " has no position ("
                            + u.positionX() + ", " + u.positionY() + ", " + u.positionZ() + ")");
                }
                return rs.getLong(1);
            }
        }
    }

    private static void replaceAtom(Connection c, long modelId, int layerIdx, long z, long y, long x, long atomId)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE TensorAtomCoefficients SET TensorAtomId = ? "
                + "WHERE ModelId = ? AND LayerIdx = ? AND PositionZ = ? AND PositionY = ? AND PositionX = ?")) {
            ps.setLong(1, atomId);
            ps.setLong(2, modelId);
            ps.setInt(3, layerIdx);
            ps.setLong(4, z);
            ps.setLong(5, y);
            ps.setLong(6, x);
            ps.executeUpdate();
        }
    }

    private static void adjustReferences(Connection c, long atomId, long delta) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE Atoms SET ReferenceCount = ReferenceCount + ? WHERE AtomId = ?")) {
            ps.setLong(1, delta);
            ps.setLong(2, atomId);
            ps.executeUpdate();
        }
    }

    @Override
    public RollbackReport rollback(long modelId, Instant to, boolean dryRun) {
        if (to.isAfter(Instant.now())) {
            throw new IllegalArgumentException("cannot roll back to " + to + ": it is in the future");
        }
        return tx.inTransaction("rollback", c -> {
            requireModel(c, modelId);
            record Change(int layer, long z, long y, long x, long from, long to) {
            }
            List<Change> changes = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT h.LayerIdx, h.PositionZ, h.PositionY, h.PositionX, "
                    + "cur.TensorAtomId AS CurrentAtomId, h.TensorAtomId AS HistoryAtomId "
                    + "FROM TensorAtomCoefficientsHistory h "
                    + "JOIN TensorAtomCoefficients cur ON cur.ModelId = h.ModelId AND cur.LayerIdx = h.LayerIdx "
                    + "AND cur.PositionZ = h.PositionZ AND cur.PositionY = h.PositionY AND cur.PositionX = h.PositionX "
                    + "WHERE h.ModelId = ? AND h.ValidFrom <= ? AND h.ValidTo > ? AND cur.TensorAtomId <> h.TensorAtomId")) {
                ps.setLong(1, modelId);
                Rows.setInstant(ps, 2, to);
                Rows.setInstant(ps, 3, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        changes.add(new Change(rs.getInt("LayerIdx"), rs.getLong("PositionZ"),
                                rs.getLong("PositionY"), rs.getLong("PositionX"), rs.getLong("CurrentAtomId"),
                                rs.getLong("HistoryAtomId")));
                    }
                }
            }
            if (!dryRun) {
                for (Change ch : changes) {
                    replaceAtom(c, modelId, ch.layer(), ch.z(), ch.y(), ch.x(), ch.to());
                    adjustReferences(c, ch.from(), -1);
                    adjustReferences(c, ch.to(), +1);
                }
                if (!changes.isEmpty()) {
                    WeightChanges.record(c, modelId);
                }
            }
            return new RollbackReport(modelId, to, changes.size(), dryRun);
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
