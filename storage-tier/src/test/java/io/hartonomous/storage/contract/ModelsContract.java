package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.NewModel;
import io.hartonomous.storage.contract.models.RollbackReport;
import io.hartonomous.storage.contract.models.Snapshot;
import io.hartonomous.storage.contract.models.TensorCell;
import io.hartonomous.storage.contract.models.WeightUpdate;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Models, tensors, weight history: AS OF, rollback, snapshots. */
public abstract class ModelsContract extends StorageContractSuite {

    /** A 2×3 tensor of distinct random weights, registered and written in one chunk. */
    private record Loaded(TenantStorage tenant, Model model, float[] values) {
    }

    private Loaded loadModel() {
        TenantStorage t = engine.forTenant(newTenant());
        long job = t.ingest().startJob(newJob(Modality.MODEL, "m.gguf")).job().jobId();
        Model model = t.ingest().registerModel(job, new NewModel("tiny", "gguf", "{}", List.of(
                new ModelLayer(0, 0, "w", List.of(2L, 3L), "F32", "f32", 6))));
        float[] values = new float[6];
        List<NewAtom> atoms = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            values[i] = (float) Math.random() + i;
            atoms.add(weight(values[i]));
        }
        int[] layer = new int[6];
        long[] x = {0, 1, 2, 0, 1, 2};
        long[] y = {0, 0, 0, 1, 1, 1};
        long[] z = new long[6];
        int[] ordinals = {0, 1, 2, 3, 4, 5};
        t.ingest().writeChunk(job, new Chunk(0, atoms, null, new CoefficientBatch(6, layer, x, y, z, ordinals), 0));
        t.ingest().completeJob(job, null);
        assertThat(t.ingest().registerModel(job, new NewModel("tiny", "gguf", "{}", List.of())).modelId())
                .as("registering again returns the same model").isEqualTo(model.modelId());
        return new Loaded(t, model, values);
    }

    @Test
    void aModelWithoutANameIsRefusedAndNothingIsRegistered() {
        TenantStorage t = engine.forTenant(newTenant());
        long job = t.ingest().startJob(newJob(Modality.MODEL, "m.gguf")).job().jobId();
        for (String name : new String[] {null, " ", "x".repeat(NewModel.MAX_NAME + 1)}) {
            assertThatThrownBy(() -> t.ingest().registerModel(job, new NewModel(name, "gguf", "{}", List.of())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a name");
        }
        assertThat(t.models().list()).isEmpty();
        assertThat(t.ingest().registerModel(job, new NewModel(null, "gguf", "{}", List.of()).namedIfUnnamed("up.gguf"))
                .name()).isEqualTo("up.gguf");
    }

    @Test
    void theStructureIsStoredBesideTheModelAndOnlyItsTenantReadsIt() {
        TenantStorage t = engine.forTenant(newTenant());
        byte[] structure = new byte[70_000]; // more than one page / inline LOB
        for (int i = 0; i < structure.length; i++) {
            structure[i] = (byte) (i * 31 + 7);
        }
        long job = t.ingest().startJob(newJob(Modality.MODEL, "m.onnx")).job().jobId();
        Model runnable = t.ingest().registerModel(job, new NewModel("graph", "onnx", "{}", List.of(
                new ModelLayer(0, 0, "w", List.of(2L), "FLOAT", "f32", 2)), structure));
        long plainJob = t.ingest().startJob(newJob(Modality.MODEL, "m.safetensors")).job().jobId();
        Model plain = t.ingest().registerModel(plainJob, new NewModel("plain", "safetensors", "{}", List.of()));

        assertThat(t.models().structure(runnable.modelId())).hasValueSatisfying(
                read -> assertThat(read).isEqualTo(structure));
        assertThat(t.models().structure(plain.modelId())).isEmpty();
        assertThatThrownBy(() -> t.models().structure(Long.MAX_VALUE)).isInstanceOf(NotFoundException.class);
        TenantStorage other = engine.forTenant(newTenant());
        assertThatThrownBy(() -> other.models().structure(runnable.modelId()))
                .as("another tenant's model is not found").isInstanceOf(NotFoundException.class);
    }

    private static float[] read(TenantStorage t, long modelId, Instant asOf) {
        try (Stream<TensorCell> cells = t.models().tensor(modelId, 0, asOf)) {
            List<TensorCell> list = cells.toList();
            float[] out = new float[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ByteBuffer.wrap(list.get(i).value()).order(ByteOrder.LITTLE_ENDIAN).getFloat();
            }
            return out;
        }
    }

    @Test
    void tensorIsReadBackInPositionOrder() {
        Loaded m = loadModel();
        assertThat(m.tenant().models().list()).extracting(Model::modelId).contains(m.model().modelId());
        assertThat(m.model().parameterCount()).isEqualTo(6);
        List<ModelLayer> layers = m.tenant().models().layers(m.model().modelId());
        assertThat(layers).singleElement().satisfies(l -> {
            assertThat(l.name()).isEqualTo("w");
            assertThat(l.shape()).containsExactly(2L, 3L);
        });
        assertThat(read(m.tenant(), m.model().modelId(), null)).containsExactly(m.values());
    }

    @Test
    void asOfReturnsTheOldValueAfterAnUpdateAndRollbackRestoresIt() throws Exception {
        Loaded m = loadModel();
        long id = m.model().modelId();
        Thread.sleep(5);
        Instant before = Instant.now();
        Thread.sleep(5);
        Snapshot snapshot = m.tenant().models().createSnapshot(id, "before-tuning");
        int changed = m.tenant().models().updateWeights(id, 0, List.of(
                new WeightUpdate(1, 0, 0, weight(42f)), new WeightUpdate(2, 1, 0, weight(-7f))));
        assertThat(changed).isEqualTo(2);

        float[] now = read(m.tenant(), id, null);
        assertThat(now[1]).isEqualTo(42f);
        assertThat(now[5]).isEqualTo(-7f);
        assertThat(read(m.tenant(), id, before)).containsExactly(m.values());
        assertThat(m.tenant().atoms().byHash(weight(42f).contentHash()).orElseThrow().referenceCount()).isEqualTo(1);

        RollbackReport dry = m.tenant().models().rollback(id, snapshot.takenAt(), true);
        assertThat(dry.coefficientsChanged()).isEqualTo(2);
        assertThat(read(m.tenant(), id, null)[1]).isEqualTo(42f);

        RollbackReport done = m.tenant().models().rollback(id, snapshot.takenAt(), false);
        assertThat(done.coefficientsChanged()).isEqualTo(2);
        assertThat(read(m.tenant(), id, null)).containsExactly(m.values());
        assertThat(m.tenant().atoms().byHash(weight(42f).contentHash()).orElseThrow().referenceCount()).isZero();
        assertThat(m.tenant().atoms().byHash(weight(m.values()[1]).contentHash()).orElseThrow().referenceCount())
                .isEqualTo(1);
        assertThat(m.tenant().models().snapshots(id)).extracting(Snapshot::name).containsExactly("before-tuning");
        assertThatThrownBy(() -> m.tenant().models().createSnapshot(id, "before-tuning"))
                .isInstanceOf(ConflictException.class);
    }

    @Test
    void unknownPositionsAndModelsAreNotFound() {
        Loaded m = loadModel();
        assertThatThrownBy(() -> m.tenant().models().updateWeights(m.model().modelId(), 0,
                List.of(new WeightUpdate(9, 9, 9, weight(1f))))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> m.tenant().models().layers(Long.MAX_VALUE)).isInstanceOf(NotFoundException.class);
        assertThat(m.tenant().models().byId(m.model().modelId())).isPresent();
    }
}
