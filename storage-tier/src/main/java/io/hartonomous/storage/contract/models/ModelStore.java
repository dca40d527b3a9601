package io.hartonomous.storage.contract.models;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Models, their tensors and the weight history (AS OF, rollback, snapshots). */
public interface ModelStore {
    List<Model> list();

    Optional<Model> byId(long modelId);

    List<ModelLayer> layers(long modelId);

    /**
     * The structure stored beside the model's tensors at ingest ({@link NewModel#structure()}), empty when its format
     * keeps none; a model that does not exist or is not visible is not found.
     */
    Optional<byte[]> structure(long modelId);

    /** A tensor's values ordered by (z, y, x); {@code asOf} null means now. Close the stream. */
    Stream<TensorCell> tensor(long modelId, int layerIdx, Instant asOf);

    /**
     * A tensor's values in row-major order, each value's canonical little-endian bytes (its stored atom's) one after
     * another: what running the model reads. {@code asOf} null means now. Engines that keep values packed override
     * this; the default concatenates {@link #tensor}.
     */
    default byte[] tensorBytes(long modelId, int layerIdx, Instant asOf) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (Stream<TensorCell> cells = tensor(modelId, layerIdx, asOf)) {
            cells.forEach(c -> out.writeBytes(c.value()));
        }
        return out.toByteArray();
    }

    /** Replaces weights; the old values stay in history. Returns how many positions changed. */
    int updateWeights(long modelId, int layerIdx, List<WeightUpdate> updates);

    RollbackReport rollback(long modelId, Instant to, boolean dryRun);

    Snapshot createSnapshot(long modelId, String name);

    List<Snapshot> snapshots(long modelId);
}
