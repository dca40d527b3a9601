package io.hartonomous.storage.contract.inference;

/**
 * The relations of the provenance edges out of a run's INFERENCE node, as both engines write them, and the properties
 * the node carries to the cold tier with its creation (so Neo4j can answer an explanation as the storage tier does):
 * a reasoning run's evidence as parallel arrays in evidence order ({@link #EVIDENCE_STEP} ... {@link #EVIDENCE_CHOSEN};
 * an absent atom or concept is {@link #NO_ID}, as Neo4j keeps no null in an array), a model run's receipt head
 * ({@link #MODEL_ATOM_ID}, {@link #WEIGHT_VERSION}), and for either the run it is a child of
 * ({@link #PARENT_INFERENCE_ID}, absent when none).
 */
public final class InferenceEdges {
    /** To the model a run ran. */
    public static final String RAN = "ran";
    /** To each atom its inputs came from, and for a reasoning run to each evidence atom. */
    public static final String READ = "read";
    /** From a reasoning run to each atom it chose at some step (its evidence with {@code chosen} true). */
    public static final String CHOSE = "chose";
    /** To each atom a run produced. */
    public static final String PRODUCED = "produced";

    public static final String EVIDENCE_STEP = "evidenceStep";
    public static final String EVIDENCE_ROLE = "evidenceRole";
    public static final String EVIDENCE_ATOM = "evidenceAtom";
    public static final String EVIDENCE_CONCEPT = "evidenceConcept";
    public static final String EVIDENCE_SCORE = "evidenceScore";
    public static final String EVIDENCE_CHOSEN = "evidenceChosen";
    public static final String MODEL_ATOM_ID = "modelAtomId";
    public static final String WEIGHT_VERSION = "weightVersion";
    public static final String PARENT_INFERENCE_ID = "parentInferenceId";
    /** An evidence item's atom or concept that is not there (ids are positive). */
    public static final long NO_ID = -1;

    private InferenceEdges() {
    }
}
