package io.hartonomous.storage.contract.reasoning;

import java.util.List;

/** What a discover run recorded: its generation, the concepts (by ordinal), the noise atoms, the evolution. */
public record Discovery(ConceptGeneration generation, List<Concept> concepts, List<Long> noise,
                        List<Evolution> evolution) {
    public Discovery {
        concepts = List.copyOf(concepts);
        noise = List.copyOf(noise);
        evolution = List.copyOf(evolution);
    }
}
