package io.hartonomous.storage.contract.inference;

/** The relations of the provenance edges out of a run's INFERENCE node, as both engines write them. */
public final class InferenceEdges {
    /** To the model a run ran. */
    public static final String RAN = "ran";
    /** To each atom its inputs came from, and for a reasoning run to each evidence atom. */
    public static final String READ = "read";
    /** From a reasoning run to each atom it chose at some step (its evidence with {@code chosen} true). */
    public static final String CHOSE = "chose";
    /** To each atom a run produced. */
    public static final String PRODUCED = "produced";

    private InferenceEdges() {
    }
}
