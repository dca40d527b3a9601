package io.hartonomous.storage.contract.reasoning;

import java.util.List;

/** A concept with its members (most similar first, ties by atom id) and its neighbours (domains that touch). */
public record ConceptDetail(Concept concept, List<ConceptMember> members, List<Long> neighbours) {
    public ConceptDetail {
        members = List.copyOf(members);
        neighbours = List.copyOf(neighbours);
    }
}
