package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.ingest.JobStart;
import io.hartonomous.storage.contract.vectors.AtomEmbedding;
import io.hartonomous.storage.contract.vectors.Metric;
import io.hartonomous.storage.contract.vectors.NewEmbedding;
import io.hartonomous.storage.contract.vectors.SearchHit;
import io.hartonomous.storage.contract.vectors.SearchMode;
import io.hartonomous.storage.contract.vectors.SearchRequest;
import io.hartonomous.storage.contract.vectors.SearchResult;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Embeddings and search: exact ordering for every metric, hybrid agreeing with exact, filters. */
public abstract class VectorsContract extends StorageContractSuite {

    /** Parent atoms with one 16-dimensional embedding each. */
    private record Seeded(TenantStorage tenant, List<Long> atomIds, List<float[]> vectors) {
    }

    private Seeded seed(int count, String type) {
        TenantStorage t = engine.forTenant(newTenant());
        Random random = new Random(7);
        List<Long> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            JobStart s = t.ingest().startJob(newJob(Modality.IMAGE, "v" + i));
            t.ingest().completeJob(s.job().jobId(), null);
            float[] v = new float[16];
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) random.nextGaussian();
            }
            t.vectors().put(new NewEmbedding(s.parent().atomId(), type, v, false));
            ids.add(s.parent().atomId());
            vectors.add(v);
        }
        return new Seeded(t, ids, vectors);
    }

    private static double euclidean(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    @Test
    void exactSearchRanksByTrueDistance() {
        Seeded s = seed(40, "test-16");
        float[] query = s.vectors().get(3).clone();
        query[0] += 0.01f;
        SearchResult result = s.tenant().vectors().search(SearchRequest.of(query, 5, Metric.EUCLIDEAN,
                SearchMode.EXACT));
        assertThat(result.hits()).hasSize(5);
        assertThat(result.hits().getFirst().atomId()).isEqualTo(s.atomIds().get(3));
        assertThat(result.hits().getFirst().distance()).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-4));
        List<Double> expected = s.vectors().stream().map(v -> euclidean(query, v)).sorted().limit(5).toList();
        for (int i = 0; i < 5; i++) {
            assertThat(result.hits().get(i).distance()).isCloseTo(expected.get(i),
                    org.assertj.core.data.Offset.offset(1e-4));
        }
        assertThat(result.candidatesReranked()).isEqualTo(40);

        SearchResult cosine = s.tenant().vectors().search(SearchRequest.of(s.vectors().get(7), 1, Metric.COSINE,
                SearchMode.EXACT));
        assertThat(cosine.hits().getFirst().atomId()).isEqualTo(s.atomIds().get(7));
        assertThat(cosine.hits().getFirst().distance()).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-5));
        SearchResult dot = s.tenant().vectors().search(SearchRequest.of(s.vectors().get(7), 40, Metric.DOT,
                SearchMode.EXACT));
        assertThat(dot.hits()).isSortedAccordingTo(java.util.Comparator.comparingDouble(SearchHit::distance));
    }

    @Test
    void hybridAgreesWithExactWhenCandidatesCoverTheNeighbourhood() {
        Seeded s = seed(60, "test-hybrid");
        for (int q = 0; q < 5; q++) {
            float[] query = s.vectors().get(q * 11);
            SearchRequest exact = new SearchRequest(query, 5, Metric.EUCLIDEAN, SearchMode.EXACT, "test-hybrid",
                    null, null, null, null, 0);
            SearchRequest hybrid = new SearchRequest(query, 5, Metric.EUCLIDEAN, SearchMode.HYBRID, "test-hybrid",
                    null, null, null, null, 60);
            SearchResult e = s.tenant().vectors().search(exact);
            SearchResult h = s.tenant().vectors().search(hybrid);
            assertThat(h.mode()).isEqualTo(SearchMode.HYBRID);
            assertThat(h.hits()).extracting(SearchHit::atomId)
                    .containsExactlyElementsOf(e.hits().stream().map(SearchHit::atomId).toList());
            assertThat(h.candidatesReranked()).isPositive().isLessThanOrEqualTo(60);
        }
        SearchRequest narrow = new SearchRequest(s.vectors().getFirst(), 1, Metric.EUCLIDEAN, SearchMode.HYBRID,
                "test-hybrid", null, null, null, null, 10);
        SearchResult few = s.tenant().vectors().search(narrow);
        assertThat(few.candidatesReranked()).isLessThanOrEqualTo(10);
        assertThat(few.hits().getFirst().atomId()).as("the query itself projects onto its own point")
                .isEqualTo(s.atomIds().getFirst());
    }

    @Test
    void embeddingsRoundTripAndFiltersApply() {
        Seeded s = seed(3, "test-rt");
        List<AtomEmbedding> stored = s.tenant().vectors().embeddings(s.atomIds().get(1));
        assertThat(stored).singleElement().satisfies(e -> {
            assertThat(e.vector()).containsExactly(s.vectors().get(1));
            assertThat(e.dimension()).isEqualTo(16);
            assertThat(e.embeddingType()).isEqualTo("test-rt");
        });
        float[] replacement = new float[16];
        replacement[0] = 1;
        s.tenant().vectors().put(new NewEmbedding(s.atomIds().get(1), "test-rt", replacement, false));
        assertThat(s.tenant().vectors().embeddings(s.atomIds().get(1))).singleElement()
                .satisfies(e -> assertThat(e.vector()).containsExactly(replacement));

        SearchRequest audioOnly = new SearchRequest(replacement, 3, Metric.COSINE, SearchMode.EXACT, null,
                Modality.AUDIO, null, null, null, 0);
        assertThat(s.tenant().vectors().search(audioOnly).hits()).isEmpty();
        assertThatThrownBy(() -> s.tenant().vectors().put(new NewEmbedding(Long.MAX_VALUE, "x", replacement, false)))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> new NewEmbedding(1, "x", new float[1999], false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SearchRequest.of(replacement, 0, Metric.COSINE, SearchMode.EXACT))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
