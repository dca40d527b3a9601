package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.inference.Evidence;
import io.hartonomous.storage.contract.inference.InferenceRecord;
import io.hartonomous.storage.contract.inference.InferenceStatus;
import io.hartonomous.storage.contract.ingest.JobStart;
import io.hartonomous.storage.contract.reasoning.AtomConcept;
import io.hartonomous.storage.contract.reasoning.Concept;
import io.hartonomous.storage.contract.reasoning.ConceptDetail;
import io.hartonomous.storage.contract.reasoning.ConceptGeneration;
import io.hartonomous.storage.contract.reasoning.DiscoverRequest;
import io.hartonomous.storage.contract.reasoning.Discovery;
import io.hartonomous.storage.contract.reasoning.Evolution;
import io.hartonomous.storage.contract.reasoning.EvolutionKind;
import io.hartonomous.storage.contract.vectors.Metric;
import io.hartonomous.storage.contract.vectors.NewEmbedding;
import io.hartonomous.storage.contract.vectors.SearchMode;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.io.WKTReader;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Concept discovery (DBSCAN) on constructed points with known clusters and noise, for both metrics and both search
 * modes; the generation's record, evidence and domains; generations over time (AS OF) with their evolution; bad
 * parameters; and tenant isolation.
 */
public abstract class ConceptsContract extends StorageContractSuite {
    /** Two tight clusters of five, far apart, and two lone points. */
    static final float[][] EUCLIDEAN_A = {{0, 0}, {0.1f, 0}, {0, 0.1f}, {0.1f, 0.1f}, {0.05f, 0.05f}};
    static final float[][] EUCLIDEAN_B = {{5, 5}, {5.1f, 5}, {5, 5.1f}, {5.1f, 5.1f}, {5.05f, 5.05f}};
    static final float[][] EUCLIDEAN_NOISE = {{10, -10}, {-8, 3}};

    private record Seeded(TenantStorage tenant, String type, List<Long> a, List<Long> b, List<Long> noise) {
    }

    private static String newType() {
        return "concepts-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private List<Long> put(TenantStorage t, String type, float[][] vectors) {
        List<Long> ids = new ArrayList<>();
        for (float[] v : vectors) {
            JobStart s = t.ingest().startJob(newJob(Modality.IMAGE, "p"));
            t.ingest().completeJob(s.job().jobId(), null);
            t.vectors().put(new NewEmbedding(s.parent().atomId(), type, v, false));
            ids.add(s.parent().atomId());
        }
        return ids;
    }

    private Seeded seed(float[][] a, float[][] b, float[][] noise) {
        TenantStorage t = engine.forTenant(newTenant());
        String type = newType();
        return new Seeded(t, type, put(t, type, a), put(t, type, b), put(t, type, noise));
    }

    private static Set<Set<Long>> clusters(Discovery d, TenantStorage t) {
        Set<Set<Long>> clusters = new HashSet<>();
        for (Concept c : d.concepts()) {
            clusters.add(t.concepts().concept(c.conceptId()).orElseThrow().members().stream()
                    .map(m -> m.atomId()).collect(Collectors.toSet()));
        }
        return clusters;
    }

    private static Geometry geometry(String wkt) {
        try {
            return new WKTReader().read(wkt);
        } catch (org.locationtech.jts.io.ParseException e) {
            throw new AssertionError(wkt, e);
        }
    }

    @Test
    void euclideanClustersAreFoundWithTheirNoiseByHybridAndExactSearchAlike() {
        Seeded s = seed(EUCLIDEAN_A, EUCLIDEAN_B, EUCLIDEAN_NOISE);
        for (SearchMode mode : SearchMode.values()) {
            Discovery d = s.tenant().concepts().discover(new DiscoverRequest(s.type(), 0.3, 3, Metric.EUCLIDEAN,
                    mode));
            assertThat(clusters(d, s.tenant())).as(mode.name())
                    .containsExactlyInAnyOrder(Set.copyOf(s.a()), Set.copyOf(s.b()));
            assertThat(d.noise()).as(mode.name()).containsExactlyElementsOf(s.noise());
            assertThat(d.concepts()).extracting(Concept::members).containsExactly(5, 5);
            assertThat(d.concepts().getFirst().ordinal()).isZero();
            Concept first = d.concepts().getFirst();
            assertThat(first.centroid()).as("the mean of cluster A, found first (lowest atom id)")
                    .containsExactly(new float[] {0.05f, 0.05f}, within(1e-6f));
            assertThat(first.coherence()).isBetween(0.9, 1.0);
            assertThat(d.generation().noise()).isEqualTo(2);
            assertThat(d.generation().concepts()).isEqualTo(2);
        }
    }

    @Test
    void cosineClustersFollowDirectionNotLength() {
        float[][] east = {{1, 0.01f, 0}, {2, 0, 0.01f}, {3, 0.02f, 0}, {0.5f, 0, 0}};
        float[][] north = {{0, 1, 0.01f}, {0.01f, 4, 0}, {0, 2, 0.02f}, {0, 0.5f, 0}};
        float[][] up = {{0.01f, 0, 7}};
        Seeded s = seed(east, north, up);
        Discovery d = s.tenant().concepts().discover(new DiscoverRequest(s.type(), 0.01, 2, Metric.COSINE,
                SearchMode.HYBRID));
        assertThat(clusters(d, s.tenant())).containsExactlyInAnyOrder(Set.copyOf(s.a()), Set.copyOf(s.b()));
        assertThat(d.noise()).containsExactlyElementsOf(s.noise());
        ConceptDetail detail = s.tenant().concepts().concept(d.concepts().getFirst().conceptId()).orElseThrow();
        assertThat(detail.members()).allSatisfy(m -> assertThat(m.similarity()).isBetween(0.99, 1.0 + 1e-9));
        assertThat(detail.members()).extracting(m -> m.similarity())
                .isSortedAccordingTo((x, y) -> Double.compare(y, x));
    }

    @Test
    void aDiscoverRunIsARecordWithItsEvidenceAndItsDomainsPartitionThePlane() {
        Seeded s = seed(EUCLIDEAN_A, EUCLIDEAN_B, EUCLIDEAN_NOISE);
        Discovery d = s.tenant().concepts().discover(new DiscoverRequest(s.type(), 0.3, 3, Metric.EUCLIDEAN,
                SearchMode.HYBRID));
        InferenceRecord record = s.tenant().inference().byId(d.generation().inferenceId()).orElseThrow();
        assertThat(record.operation()).isEqualTo("concepts.discover");
        assertThat(record.status()).isEqualTo(InferenceStatus.SUCCEEDED);
        assertThat(record.modelId()).isNull();
        assertThat(record.units()).isEqualTo(12);
        assertThat(record.outputSummaryJson()).contains("\"concepts\":2", "\"noise\":2");
        List<Evidence> evidence = s.tenant().inference().evidence(record.inferenceId());
        assertThat(evidence).hasSize(12);
        assertThat(evidence.stream().filter(Evidence::chosen).map(Evidence::atomId))
                .containsExactlyInAnyOrderElementsOf(concat(s.a(), s.b()));
        assertThat(evidence.stream().filter(e -> !e.chosen()))
                .allSatisfy(e -> assertThat(e.role()).isEqualTo("noise"))
                .extracting(Evidence::atomId).containsExactlyElementsOf(s.noise());
        long first = d.concepts().getFirst().conceptId();
        assertThat(evidence.stream().filter(e -> s.a().contains(e.atomId())))
                .allSatisfy(e -> {
                    assertThat(e.conceptId()).isEqualTo(first);
                    assertThat(e.role()).isEqualTo("member");
                    assertThat(e.score()).isBetween(0.9, 1.0);
                });

        GeometryFactory gf = new GeometryFactory();
        Geometry a = geometry(d.concepts().get(0).domainWkt());
        Geometry b = geometry(d.concepts().get(1).domainWkt());
        for (Concept c : d.concepts()) {
            Geometry domain = geometry(c.domainWkt());
            assertThat(domain.contains(gf.createPoint(new Coordinate(c.x(), c.y())))).isTrue();
            assertThat(s.tenant().concepts().at(s.type(), c.x(), c.y(), null)).map(Concept::conceptId)
                    .contains(c.conceptId());
        }
        assertThat(a.intersection(b).getArea()).as("no overlap").isLessThan(1e-9);
        org.locationtech.jts.geom.Envelope box = new org.locationtech.jts.geom.Envelope();
        for (long atom : concat(concat(s.a(), s.b()), s.noise())) {
            var e = s.tenant().vectors().embeddings(atom).getFirst();
            box.expandToInclude(e.projectionX(), e.projectionY());
        }
        // A flat box (every point in one landmark cell, say) is grown by half a unit each way.
        box.expandBy(box.getWidth() == 0 ? 0.5 : 0, box.getHeight() == 0 ? 0.5 : 0);
        assertThat(a.union(b).getEnvelopeInternal()).as("clipped to the projected points' bounding box")
                .isEqualTo(box);
        assertThat(a.getArea() + b.getArea()).as("and cover it").isCloseTo(box.getArea(), within(1e-9));
        assertThat(s.tenant().concepts().concept(first).orElseThrow().neighbours())
                .containsExactly(d.concepts().get(1).conceptId());
        assertThat(s.tenant().concepts().at(s.type(), 1e9, 1e9, null)).as("outside every domain").isEmpty();
        assertThat(s.tenant().concepts().conceptsOf(s.a().getFirst(), null)).singleElement().satisfies(ac -> {
            assertThat(ac.conceptId()).isEqualTo(first);
            assertThat(ac.embeddingType()).isEqualTo(s.type());
            assertThat(ac.generation()).isEqualTo(1);
        });
        assertThat(s.tenant().concepts().conceptsOf(s.noise().getFirst(), null)).as("noise has none").isEmpty();
    }

    private static List<Long> concat(List<Long> a, List<Long> b) {
        List<Long> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void generationsAreKeptAsOfTheirTimeWithTheirEvolution() throws Exception {
        Seeded s = seed(EUCLIDEAN_A, EUCLIDEAN_B, EUCLIDEAN_NOISE);
        var concepts = s.tenant().concepts();
        Discovery first = concepts.discover(new DiscoverRequest(s.type(), 0.3, 3, Metric.EUCLIDEAN,
                SearchMode.HYBRID));
        assertThat(first.generation().generation()).isEqualTo(1);
        assertThat(first.evolution()).extracting(Evolution::kind).containsExactly(EvolutionKind.NEW,
                EvolutionKind.NEW);
        Thread.sleep(5);
        Instant afterFirst = Instant.now();
        Thread.sleep(5);
        Discovery merged = concepts.discover(new DiscoverRequest(s.type(), 10, 3, Metric.EUCLIDEAN,
                SearchMode.EXACT));
        assertThat(merged.generation().generation()).isEqualTo(2);
        assertThat(merged.concepts()).singleElement().extracting(Concept::members).isEqualTo(11);
        long all = merged.concepts().getFirst().conceptId();
        assertThat(merged.evolution()).containsExactly(
                new Evolution(EvolutionKind.MERGED, first.concepts().get(0).conceptId(), all, 5),
                new Evolution(EvolutionKind.MERGED, first.concepts().get(1).conceptId(), all, 5));
        Thread.sleep(5);
        Instant afterMerge = Instant.now();
        Thread.sleep(5);
        Discovery split = concepts.discover(new DiscoverRequest(s.type(), 0.3, 3, Metric.EUCLIDEAN,
                SearchMode.HYBRID));
        assertThat(split.evolution()).containsExactly(
                new Evolution(EvolutionKind.SPLIT, all, split.concepts().get(0).conceptId(), 5),
                new Evolution(EvolutionKind.SPLIT, all, split.concepts().get(1).conceptId(), 5));
        Discovery gone = concepts.discover(new DiscoverRequest(s.type(), 0.001, 3, Metric.EUCLIDEAN,
                SearchMode.HYBRID));
        assertThat(gone.concepts()).isEmpty();
        assertThat(gone.noise()).hasSize(12);
        assertThat(gone.evolution()).extracting(Evolution::kind).containsExactly(EvolutionKind.GONE,
                EvolutionKind.GONE);
        Discovery back = concepts.discover(new DiscoverRequest(s.type(), 0.3, 3, Metric.EUCLIDEAN,
                SearchMode.HYBRID));
        assertThat(back.evolution()).extracting(Evolution::kind).containsExactly(EvolutionKind.NEW,
                EvolutionKind.NEW);
        assertThat(back.generation().generation()).isEqualTo(5);

        assertThat(concepts.generation(s.type(), afterFirst)).map(ConceptGeneration::generationId)
                .contains(first.generation().generationId());
        assertThat(concepts.generation(s.type(), afterMerge)).map(ConceptGeneration::generation).contains(2);
        assertThat(concepts.generation(s.type(), null)).map(ConceptGeneration::generation).contains(5);
        assertThat(concepts.generation(s.type(), first.generation().createdAt().minusSeconds(60))).isEmpty();
        assertThat(concepts.concepts(first.generation().generationId())).extracting(Concept::conceptId)
                .containsExactlyElementsOf(first.concepts().stream().map(Concept::conceptId).toList());
        assertThat(concepts.evolution(merged.generation().generationId())).isEqualTo(merged.evolution());

        long atom = s.b().getFirst();
        assertThat(concepts.conceptsOf(atom, afterFirst)).extracting(AtomConcept::conceptId)
                .containsExactly(first.concepts().get(1).conceptId());
        assertThat(concepts.conceptsOf(atom, afterMerge)).extracting(AtomConcept::conceptId).containsExactly(all);
        Concept b = first.concepts().get(1);
        assertThat(concepts.at(s.type(), b.x(), b.y(), afterFirst)).map(Concept::conceptId)
                .contains(b.conceptId());
        assertThat(concepts.at(s.type(), b.x(), b.y(), afterMerge)).map(Concept::conceptId).contains(all);
    }

    @Test
    void badParametersAreRefused() {
        for (double eps : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> new DiscoverRequest("t", eps, 3, Metric.COSINE, SearchMode.HYBRID))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eps");
        }
        for (int minPts : new int[] {0, -3, 1001}) {
            assertThatThrownBy(() -> new DiscoverRequest("t", 0.5, minPts, Metric.COSINE, SearchMode.HYBRID))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minPts");
        }
        assertThatThrownBy(() -> new DiscoverRequest("t", 0.5, 3, Metric.DOT, SearchMode.HYBRID))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cosine or euclidean");
        assertThatThrownBy(() -> new DiscoverRequest(" ", 0.5, 3, Metric.COSINE, SearchMode.HYBRID))
                .isInstanceOf(IllegalArgumentException.class);
        TenantStorage t = engine.forTenant(newTenant());
        assertThatThrownBy(() -> t.concepts().discover(new DiscoverRequest(newType(), 0.5, 3, Metric.COSINE,
                SearchMode.HYBRID))).as("a type without embeddings").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no embeddings");
        assertThat(t.inference().list(null, null, 10)).as("nothing recorded").isEmpty();
    }

    @Test
    void anotherTenantSeesNoneOfTheConcepts() {
        Seeded s = seed(EUCLIDEAN_A, EUCLIDEAN_B, EUCLIDEAN_NOISE);
        Discovery d = s.tenant().concepts().discover(new DiscoverRequest(s.type(), 0.3, 3, Metric.EUCLIDEAN,
                SearchMode.HYBRID));
        TenantStorage other = engine.forTenant(newTenant());
        Concept c = d.concepts().getFirst();
        assertThat(other.concepts().concept(c.conceptId())).isEmpty();
        assertThat(other.concepts().concepts(d.generation().generationId())).isEmpty();
        assertThat(other.concepts().evolution(d.generation().generationId())).isEmpty();
        assertThat(other.concepts().generation(s.type(), null)).isEmpty();
        assertThat(other.concepts().at(s.type(), c.x(), c.y(), null)).isEmpty();
        assertThat(other.concepts().conceptsOf(s.a().getFirst(), null)).isEmpty();
        assertThat(other.inference().byId(d.generation().inferenceId())).isEmpty();
        assertThatThrownBy(() -> other.concepts().discover(new DiscoverRequest(s.type(), 0.3, 3, Metric.EUCLIDEAN,
                SearchMode.HYBRID))).as("A's own embeddings are not B's").isInstanceOf(IllegalArgumentException.class);
        assertThat(s.tenant().concepts().concept(c.conceptId())).isPresent();
    }
}
