package io.hartonomous.api.concepts;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hartonomous.storage.contract.reasoning.AtomConcept;
import io.hartonomous.storage.contract.reasoning.Concept;
import io.hartonomous.storage.contract.reasoning.ConceptDetail;
import io.hartonomous.storage.contract.reasoning.ConceptGeneration;
import io.hartonomous.storage.contract.reasoning.ConceptMember;
import io.hartonomous.storage.contract.reasoning.Discovery;
import io.hartonomous.storage.contract.reasoning.Evolution;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The JSON of concepts: the discover request and answer, a concept with its members, a generation. */
final class ConceptViews {
    private ConceptViews() {
    }

    /**
     * {@code embeddingType}, {@code eps} (> 0) and {@code minPts} (1-1000) are required; {@code metric} is
     * euclidean (the default) or cosine; {@code mode} hybrid (the default) or exact.
     */
    record DiscoverBody(String embeddingType, Double eps, Integer minPts, String metric, String mode) {
    }

    /** A concept; {@code domain} is its Voronoi cell in the projection plane as WKT. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ConceptView(long conceptId, long generationId, int generation, String embeddingType, int ordinal,
                       int members, double coherence, float[] centroid, double x, double y, String domain,
                       List<ConceptMember> memberAtoms, List<Long> neighbours) {
        static ConceptView of(Concept c) {
            return new ConceptView(c.conceptId(), c.generationId(), c.generation(), c.embeddingType(), c.ordinal(),
                    c.members(), c.coherence(), c.centroid(), c.x(), c.y(), c.domainWkt(), null, null);
        }

        static ConceptView of(ConceptDetail d) {
            Concept c = d.concept();
            return new ConceptView(c.conceptId(), c.generationId(), c.generation(), c.embeddingType(), c.ordinal(),
                    c.members(), c.coherence(), c.centroid(), c.x(), c.y(), c.domainWkt(), d.members(),
                    d.neighbours());
        }
    }

    record EvolutionView(String kind, Long fromConceptId, Long toConceptId, int sharedMembers) {
        static EvolutionView of(Evolution e) {
            return new EvolutionView(e.kind().name().toLowerCase(Locale.ROOT), e.fromConceptId(), e.toConceptId(),
                    e.sharedMembers());
        }
    }

    /** A generation with its concepts and its evolution from the previous one; {@code noise} is a count. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record GenerationView(int generation, long generationId, long inferenceId, String embeddingType, String metric,
                          double eps, int minPts, Instant createdAt, List<ConceptView> concepts, int noise,
                          List<Long> noiseAtoms, List<EvolutionView> evolution) {
        static GenerationView of(ConceptGeneration g, List<Concept> concepts, List<Long> noiseAtoms,
                                 List<Evolution> evolution) {
            return new GenerationView(g.generation(), g.generationId(), g.inferenceId(), g.embeddingType(),
                    g.metric().name().toLowerCase(Locale.ROOT), g.eps(), g.minPts(), g.createdAt(),
                    concepts.stream().map(ConceptView::of).toList(), g.noise(), noiseAtoms,
                    evolution.stream().map(EvolutionView::of).toList());
        }

        static GenerationView of(Discovery d) {
            return of(d.generation(), d.concepts(), d.noise(), d.evolution());
        }
    }

    record AtomConceptView(long conceptId, long generationId, int generation, String embeddingType,
                           double similarity) {
        static AtomConceptView of(AtomConcept a) {
            return new AtomConceptView(a.conceptId(), a.generationId(), a.generation(), a.embeddingType(),
                    a.similarity());
        }
    }

    record AtomConceptsView(long atomId, List<AtomConceptView> concepts) {
    }
}
