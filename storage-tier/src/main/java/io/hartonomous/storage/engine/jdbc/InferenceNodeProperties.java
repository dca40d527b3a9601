package io.hartonomous.storage.engine.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hartonomous.storage.contract.inference.Evidence;
import io.hartonomous.storage.contract.inference.NewInference;
import io.hartonomous.storage.contract.inference.NewReasoningRun;

import static io.hartonomous.storage.contract.inference.InferenceEdges.EVIDENCE_ATOM;
import static io.hartonomous.storage.contract.inference.InferenceEdges.EVIDENCE_CHOSEN;
import static io.hartonomous.storage.contract.inference.InferenceEdges.EVIDENCE_CONCEPT;
import static io.hartonomous.storage.contract.inference.InferenceEdges.EVIDENCE_ROLE;
import static io.hartonomous.storage.contract.inference.InferenceEdges.EVIDENCE_SCORE;
import static io.hartonomous.storage.contract.inference.InferenceEdges.EVIDENCE_STEP;
import static io.hartonomous.storage.contract.inference.InferenceEdges.MODEL_ATOM_ID;
import static io.hartonomous.storage.contract.inference.InferenceEdges.NO_ID;
import static io.hartonomous.storage.contract.inference.InferenceEdges.PARENT_INFERENCE_ID;
import static io.hartonomous.storage.contract.inference.InferenceEdges.WEIGHT_VERSION;

/**
 * The properties a run's INFERENCE node carries to the cold tier (see InferenceEdges), as the embedded engine writes
 * them into the provenance sync; sql/082 (dbo.sp_InferenceNodeProperties, dbo.sp_BeginInference) builds the same JSON
 * from the rows it wrote on SQL Server.
 */
public final class InferenceNodeProperties {
    private static final ObjectMapper JSON = new ObjectMapper();

    private InferenceNodeProperties() {
    }

    public static String of(NewReasoningRun run) {
        ObjectNode p = JSON.createObjectNode();
        if (run.parentInferenceId() != null) {
            p.put(PARENT_INFERENCE_ID, run.parentInferenceId());
        }
        if (!run.evidence().isEmpty()) {
            ArrayNode step = p.putArray(EVIDENCE_STEP);
            ArrayNode role = p.putArray(EVIDENCE_ROLE);
            ArrayNode atom = p.putArray(EVIDENCE_ATOM);
            ArrayNode concept = p.putArray(EVIDENCE_CONCEPT);
            ArrayNode score = p.putArray(EVIDENCE_SCORE);
            ArrayNode chosen = p.putArray(EVIDENCE_CHOSEN);
            for (Evidence e : run.evidence()) {
                step.add(e.step());
                role.add(e.role());
                atom.add(e.atomId() == null ? NO_ID : e.atomId());
                concept.add(e.conceptId() == null ? NO_ID : e.conceptId());
                score.add(e.score());
                chosen.add(e.chosen());
            }
        }
        return p.toString();
    }

    public static String of(NewInference run) {
        ObjectNode p = JSON.createObjectNode();
        if (run.parentInferenceId() != null) {
            p.put(PARENT_INFERENCE_ID, run.parentInferenceId());
        }
        p.put(MODEL_ATOM_ID, run.receipt().modelAtomId());
        p.put(WEIGHT_VERSION, run.receipt().weightVersion());
        return p.toString();
    }
}
