package io.hartonomous.storage.engine.reasoning;

import io.hartonomous.storage.contract.reasoning.EvolutionKind;

import java.util.List;

/**
 * What a discover run computed, before either engine stores it: the concepts by ordinal, the noise atoms (ascending)
 * and the evolution from the previous generation (its concept ids, this one's ordinals).
 */
public record ConceptPlan(List<Planned> concepts, List<Long> noise, List<Step> evolution, int points) {
    public ConceptPlan {
        concepts = List.copyOf(concepts);
        noise = List.copyOf(noise);
        evolution = List.copyOf(evolution);
    }

    /**
     * One concept: its members ascending with their similarity to the centroid (same order), the centroid vector,
     * the coherence, the projected centroid and its Voronoi domain (WKT).
     */
    public record Planned(int ordinal, long[] members, double[] similarity, float[] centroid, double coherence,
                          double x, double y, String domainWkt) {
    }

    /** An evolution step: {@code fromConceptId} null for NEW, {@code toOrdinal} null for GONE. */
    public record Step(EvolutionKind kind, Long fromConceptId, Integer toOrdinal, int sharedMembers) {
    }
}
