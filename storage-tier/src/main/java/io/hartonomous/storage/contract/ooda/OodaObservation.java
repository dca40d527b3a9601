package io.hartonomous.storage.contract.ooda;

/**
 * One finding of the Analyze phase: its kind, the object it is about, the measured figure (the unit depends on the
 * kind, see {@link ObservationKind}) and a human-readable detail.
 */
public record OodaObservation(ObservationKind kind, String target, double metric, String detail) {
    public OodaObservation {
        if (kind == null || target == null || target.isBlank()) {
            throw new IllegalArgumentException("an observation has a kind and a target");
        }
    }
}
