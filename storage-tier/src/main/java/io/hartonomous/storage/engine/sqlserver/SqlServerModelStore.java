package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.ModelStore;
import io.hartonomous.storage.contract.models.RollbackReport;
import io.hartonomous.storage.contract.models.Snapshot;
import io.hartonomous.storage.contract.models.TensorCell;
import io.hartonomous.storage.contract.models.WeightUpdate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Models and weight history through sql/072: versioned tensor segments give AS OF, rollback and snapshots. */
record SqlServerModelStore(Session session) implements ModelStore {
    @Override
    public List<Model> list() {
        return session.list(Procedures.LIST_MODELS, call -> { }, SqlRows.RECORDS::model);
    }

    @Override
    public Optional<Model> byId(long modelId) {
        return session.one(Procedures.GET_MODEL, call -> call.setLong("ModelId", modelId), SqlRows.RECORDS::model);
    }

    @Override
    public List<ModelLayer> layers(long modelId) {
        return session.list(Procedures.GET_MODEL_LAYERS, call -> call.setLong("ModelId", modelId),
                SqlRows.RECORDS::layer);
    }

    @Override
    public Optional<byte[]> structure(long modelId) {
        return session.single(Procedures.GET_MODEL_STRUCTURE, call -> call.setLong("ModelId", modelId),
                rs -> Optional.ofNullable(rs.getBytes("Structure")));
    }

    @Override
    public Stream<TensorCell> tensor(long modelId, int layerIdx, Instant asOf) {
        return session.stream(Procedures.GET_TENSOR_AS_OF, call -> call.setLong("ModelId", modelId)
                        .setInt("LayerIdx", layerIdx).setInstant("AsOf", asOf),
                rs -> new TensorCell(rs.getLong("PositionX"), rs.getLong("PositionY"), rs.getLong("PositionZ"),
                        AtomType.of(Modality.MODEL, rs.getString("Subtype")), rs.getBytes("AtomicValue")));
    }

    @Override
    public Instant weightVersion(long modelId, Instant asOf) {
        return session.single(Procedures.GET_WEIGHT_VERSION, call -> call.setLong("ModelId", modelId)
                .setInstant("AsOf", asOf), rs -> SqlRows.RECORDS.instant(rs, "WeightVersion"));
    }

    @Override
    public int updateWeights(long modelId, int layerIdx, List<WeightUpdate> updates) {
        if (updates.isEmpty()) {
            return 0;
        }
        return session.single(Procedures.UPDATE_WEIGHTS, call -> call.setLong("ModelId", modelId)
                .setInt("LayerIdx", layerIdx)
                .setTable("Updates", ChunkRows.weightUpdates(updates)), rs -> rs.getInt("Changed"));
    }

    @Override
    public RollbackReport rollback(long modelId, Instant to, boolean dryRun) {
        if (to.isAfter(Instant.now())) {
            throw new IllegalArgumentException("cannot roll back to " + to + ": it is in the future");
        }
        long changed = session.single(Procedures.ROLLBACK_WEIGHTS, call -> call.setLong("ModelId", modelId)
                .setInstant("To", to).setBoolean("DryRun", dryRun), rs -> rs.getLong("CoefficientsChanged"));
        return new RollbackReport(modelId, to, changed, dryRun);
    }

    @Override
    public Snapshot createSnapshot(long modelId, String name) {
        if (name == null || name.isBlank() || name.length() > 128) {
            throw new IllegalArgumentException("a snapshot needs a name of 1-128 characters");
        }
        return session.single(Procedures.CREATE_WEIGHT_SNAPSHOT, call -> call.setLong("ModelId", modelId)
                .setString("Name", name), SqlRows.RECORDS::snapshot);
    }

    @Override
    public List<Snapshot> snapshots(long modelId) {
        return session.list(Procedures.LIST_WEIGHT_SNAPSHOTS, call -> call.setLong("ModelId", modelId),
                SqlRows.RECORDS::snapshot);
    }

    /**
     * Decoded here from the tensor's segment versions, read in windows of {@link TensorWindow#ELEMENTS} elements
     * (each one call of dbo.sp_GetTensorWindow, gaps skipped in one step), all in one snapshot transaction so that a
     * weight update committing meanwhile is seen by all of them or by none.
     */
    @Override
    public byte[] tensorBytes(long modelId, int layerIdx, Instant asOf) {
        Procedure p = Procedures.GET_TENSOR_WINDOW;
        return session.snapshotRead(p.name(), c -> {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            Long from = 0L;
            while (from != null) {
                long start = from;
                try (ProcedureCall call = ProcedureCall.prepare(c, p)) {
                    call.setLong("ModelId", modelId).setInt("LayerIdx", layerIdx).setLong("FromIndex", start)
                            .setInt("Limit", TensorWindow.ELEMENTS).setInstant("AsOf", asOf);
                    TensorWindow window = TensorWindow.read(call, start, start + TensorWindow.ELEMENTS);
                    out.writeBytes(window.bytes());
                    from = window.next();
                }
            }
            return out.toByteArray();
        });
    }
}
