package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.vectors.AtomEmbedding;

import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.graph.GraphNode;
import io.hartonomous.storage.contract.graph.LineageDirection;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.ingest.JobStart;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.NewModel;
import io.hartonomous.storage.contract.operations.UsageGrouping;
import io.hartonomous.storage.contract.vectors.Metric;
import io.hartonomous.storage.contract.vectors.NewEmbedding;
import io.hartonomous.storage.contract.vectors.SearchHit;
import io.hartonomous.storage.contract.vectors.SearchMode;
import io.hartonomous.storage.contract.vectors.SearchRequest;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tenant A cannot read tenant B's rows. Leaf values are shared content by design (docs/decisions.md). */
public abstract class TenancyContract extends StorageContractSuite {

    @Test
    void tenantCannotSeeAnotherTenantsFilesModelsJobsEmbeddingsGraphOrUsage() {
        TenantStorage b = engine.forTenant(newTenant());
        TenantStorage a = engine.forTenant(newTenant());

        JobStart image = b.ingest().startJob(newJob(Modality.IMAGE, "secret.png"));
        List<NewAtom> pixels = randomPixels(2);
        b.ingest().writeChunk(image.job().jobId(), imageChunk(0, pixels, 0, 0, 1));
        b.ingest().completeJob(image.job().jobId(), null);
        long parent = image.parent().atomId();

        long modelJob = b.ingest().startJob(newJob(Modality.MODEL, "secret.gguf")).job().jobId();
        Model model = b.ingest().registerModel(modelJob, new NewModel("m", "gguf", "{}",
                List.of(new ModelLayer(0, 0, "w", List.of(1L), "F32", "f32", 1))));
        b.ingest().completeJob(modelJob, null);
        b.vectors().put(new NewEmbedding(parent, "private", new float[] {1, 2, 3}, false));
        GraphNode node = b.graph().node(NodeKind.FILE, parent, "secret.png");
        b.usage().record("ingest", 5);

        assertThat(a.atoms().byId(parent)).isEmpty();
        assertThat(a.atoms().byHash(image.parent().contentHash())).isEmpty();
        assertThatThrownBy(() -> a.atoms().compositions(parent, 0, 10)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> a.atoms().placedValues(parent, 0, 10)).isInstanceOf(NotFoundException.class);
        assertThat(a.ingest().job(image.job().jobId())).isEmpty();
        assertThatThrownBy(() -> a.ingest().writeChunk(image.job().jobId(), imageChunk(1, pixels, 5, 0)))
                .isInstanceOf(NotFoundException.class);
        assertThat(a.models().list()).isEmpty();
        assertThat(a.models().byId(model.modelId())).isEmpty();
        assertThatThrownBy(() -> a.models().tensor(model.modelId(), 0, null)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> a.vectors().embeddings(parent)).isInstanceOf(NotFoundException.class);
        assertThat(a.vectors().search(SearchRequest.of(new float[] {1, 2, 3}, 10, Metric.COSINE, SearchMode.EXACT))
                .hits()).extracting(SearchHit::atomId).doesNotContain(parent);
        assertThatThrownBy(() -> a.graph().lineage(NodeKind.FILE, parent, 2, LineageDirection.BOTH))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> a.graph().edge(node.nodeId(), node.nodeId(), "x"))
                .isInstanceOf(NotFoundException.class);
        assertThat(a.usage().usage(null, null, UsageGrouping.OPERATION)).isEmpty();

        // The owner sees all of it; the pixel values themselves are shared content.
        assertThat(b.atoms().byId(parent)).isPresent();
        assertThat(b.models().list()).hasSize(1);
        assertThat(b.vectors().embeddings(parent)).hasSize(1);
        assertThat(a.atoms().byHash(pixels.getFirst().contentHash())).isPresent();
    }

    @Test
    void builtInEmbeddingsAreSharedWithEveryOwnerButClientOnesAreNot() {
        TenantStorage a = engine.forTenant(newTenant());
        TenantStorage b = engine.forTenant(newTenant());
        NewJob file = newJob(Modality.AUDIO, "shared.wav");
        JobStart first = a.ingest().startJob(file);
        a.ingest().completeJob(first.job().jobId(), null);
        long parent = first.parent().atomId();
        a.vectors().put(new NewEmbedding(parent, "builtin-audio", new float[] {1, 0}, true));
        a.vectors().put(new NewEmbedding(parent, "client", new float[] {0, 1}, false));
        b.ingest().startJob(file);
        assertThat(b.vectors().embeddings(parent)).extracting(AtomEmbedding::embeddingType)
                .containsExactly("builtin-audio");
        assertThat(a.vectors().embeddings(parent)).hasSize(2);
    }
}
