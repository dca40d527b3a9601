package io.hartonomous.api.inference;

import io.hartonomous.api.provenance.sync.ProvenanceSync;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.graph.LineageDirection;
import io.hartonomous.storage.contract.graph.LineageStep;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.inference.Evidence;
import io.hartonomous.storage.contract.inference.InferenceEdges;
import io.hartonomous.storage.contract.inference.InferenceRecord;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * GET /api/inference/{id}/explain: why a run gave its result, from the storage tier (record, evidence, children and
 * the hot provenance graph) or from the cold tier by Cypher (the provenance Neo4j holds). The provenance part is the
 * same question on both: what the run's INFERENCE node has edges to, by relation. The run's node carries its evidence
 * (parallel arrays, see InferenceEdges), its receipt head and its parent to Neo4j, so the evidence with scores,
 * the alternatives, the model, the parent and the children are answered there by Cypher too; only the status (which
 * changes after the node is written) is the storage tier's alone.
 */
@ApplicationScoped
class Explanations {
    /**
     * The run's node (kind INFERENCE, its record id) and every edge out of it, as the provenance sync writes them
     * (Neo4jProvenanceWriter): one row per edge, none but the node's own when it has none.
     */
    static final String CYPHER = "MATCH (r:ProvenanceNode {tenantId: $tenant, kind: 'INFERENCE', refId: $id}) "
            + "OPTIONAL MATCH (r)-[e]->(n:ProvenanceNode) "
            + "RETURN r.label AS label, r.modelAtomId AS modelAtomId, r.weightVersion AS weightVersion, "
            + "r.parentInferenceId AS parentInferenceId, e.relation AS relation, n.refId AS refId";

    /** The run's evidence in the order it was written: one row per item of the node's parallel arrays. */
    static final String EVIDENCE_CYPHER = "MATCH (r:ProvenanceNode {tenantId: $tenant, kind: 'INFERENCE', refId: $id}) "
            + "UNWIND range(0, size(coalesce(r.evidenceStep, [])) - 1) AS i "
            + "RETURN r.evidenceStep[i] AS step, r.evidenceRole[i] AS role, r.evidenceAtom[i] AS atomId, "
            + "r.evidenceConcept[i] AS conceptId, r.evidenceScore[i] AS score, r.evidenceChosen[i] AS chosen "
            + "ORDER BY i";

    /** The alternatives: per step (ascending) the evidence not chosen, in the order it was written. */
    static final String ALTERNATIVES_CYPHER = "MATCH (r:ProvenanceNode {tenantId: $tenant, kind: 'INFERENCE', "
            + "refId: $id}) "
            + "UNWIND range(0, size(coalesce(r.evidenceStep, [])) - 1) AS i "
            + "WITH r, i WHERE NOT r.evidenceChosen[i] "
            + "WITH r, i ORDER BY i "
            + "RETURN r.evidenceStep[i] AS step, collect({role: r.evidenceRole[i], atomId: r.evidenceAtom[i], "
            + "conceptId: r.evidenceConcept[i], score: r.evidenceScore[i]}) AS candidates "
            + "ORDER BY step";

    /** The runs whose node names this one as their parent, oldest (lowest id) first. */
    static final String CHILDREN_CYPHER = "MATCH (c:ProvenanceNode {tenantId: $tenant, kind: 'INFERENCE'}) "
            + "WHERE c.parentInferenceId = $id RETURN c.refId AS refId ORDER BY refId";

    private final ProvenanceSync coldTier;

    Explanations(ProvenanceSync coldTier) {
        this.coldTier = coldTier;
    }

    InferenceViews.ExplainView fromStorage(TenantStorage tenant, long inferenceId) {
        InferenceRecord record = tenant.inference().byId(inferenceId)
                .orElseThrow(() -> new NotFoundException("inference " + inferenceId + " not found"));
        List<Evidence> evidence = tenant.inference().evidence(inferenceId);
        Map<Integer, List<Evidence>> notChosen = new TreeMap<>();
        for (Evidence e : evidence) {
            if (!e.chosen()) {
                notChosen.computeIfAbsent(e.step(), s -> new ArrayList<>()).add(e);
            }
        }
        List<InferenceViews.Alternatives> alternatives = notChosen.entrySet().stream()
                .map(s -> new InferenceViews.Alternatives(s.getKey(), List.copyOf(s.getValue()))).toList();
        InferenceViews.ModelUsed model = record.receipt() == null ? null : new InferenceViews.ModelUsed(
                record.modelId(), record.receipt().modelAtomId(), record.receipt().weightVersion());
        List<Long> children = tenant.inference().children(inferenceId).stream().map(InferenceRecord::inferenceId)
                .toList();
        return new InferenceViews.ExplainView(record.inferenceId(), record.operation(), record.status().name(),
                "storage", model, record.parentInferenceId(), children, evidence, alternatives,
                provenance(tenant, record, evidence));
    }

    /**
     * The hot graph's edges out of the run's node. A lineage walk reaches each node once, by its first edge (a
     * run's {@code read} edges are written before its {@code chose} edges), so the chosen atoms come from the
     * evidence, which is what those edges were written from.
     */
    private static InferenceViews.ProvenanceView provenance(TenantStorage tenant, InferenceRecord record,
                                                            List<Evidence> evidence) {
        Map<String, TreeSet<Long>> byRelation = new TreeMap<>();
        try {
            for (LineageStep step : tenant.graph().lineage(NodeKind.INFERENCE, record.inferenceId(), 1,
                    LineageDirection.DOWNSTREAM)) {
                byRelation.computeIfAbsent(step.via().relation(), r -> new TreeSet<>()).add(step.node().refId());
            }
        } catch (NotFoundException noNode) {
            // a run always has its node; an absent one (removed with its model) has no provenance left
        }
        TreeSet<Long> chose = new TreeSet<>();
        evidence.stream().filter(e -> e.chosen() && e.atomId() != null).forEach(e -> chose.add(e.atomId()));
        return new InferenceViews.ProvenanceView(record.modelId(), ids(byRelation, InferenceEdges.READ),
                List.copyOf(chose), ids(byRelation, InferenceEdges.PRODUCED));
    }

    InferenceViews.ExplainView fromNeo4j(String tenant, long inferenceId) {
        List<Map<String, Object>> rows = coldTier.read(CYPHER, Map.of("tenant", tenant, "id", inferenceId));
        if (rows.isEmpty()) {
            throw new NotFoundException("inference " + inferenceId + " not found in Neo4j (not synced yet, or "
                    + "not this tenant's)");
        }
        Map<String, TreeSet<Long>> byRelation = new TreeMap<>();
        for (Map<String, Object> row : rows) {
            if (row.get("relation") != null && row.get("refId") != null) {
                byRelation.computeIfAbsent((String) row.get("relation"), r -> new TreeSet<>())
                        .add(((Number) row.get("refId")).longValue());
            }
        }
        Map<String, Object> node = rows.getFirst();
        String label = (String) node.get("label");
        String operation = label == null ? null : label.substring(0, Math.max(0, label.lastIndexOf(" #")));
        List<Long> ran = ids(byRelation, InferenceEdges.RAN);
        Map<String, Object> parameters = Map.of("tenant", tenant, "id", inferenceId);
        List<Evidence> evidence = coldTier.read(EVIDENCE_CYPHER, parameters).stream()
                .map(r -> evidence(r, (Boolean) r.get("chosen"))).toList();
        List<InferenceViews.Alternatives> alternatives = new ArrayList<>();
        for (Map<String, Object> row : coldTier.read(ALTERNATIVES_CYPHER, parameters)) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> candidates = (List<Map<String, Object>>) row.get("candidates");
            alternatives.add(new InferenceViews.Alternatives(((Number) row.get("step")).intValue(),
                    candidates.stream().map(c -> evidence(withStep(c, row.get("step")), false)).toList()));
        }
        List<Long> children = coldTier.read(CHILDREN_CYPHER, parameters).stream()
                .map(r -> ((Number) r.get("refId")).longValue()).toList();
        InferenceViews.ModelUsed model = ran.isEmpty() || node.get("modelAtomId") == null ? null
                : new InferenceViews.ModelUsed(ran.getFirst(), ((Number) node.get("modelAtomId")).longValue(),
                (String) node.get("weightVersion"));
        Long parent = node.get("parentInferenceId") == null ? null
                : ((Number) node.get("parentInferenceId")).longValue();
        return new InferenceViews.ExplainView(inferenceId, operation, null, "neo4j", model, parent, children,
                evidence, List.copyOf(alternatives),
                new InferenceViews.ProvenanceView(ran.isEmpty() ? null : ran.getFirst(),
                        ids(byRelation, InferenceEdges.READ), ids(byRelation, InferenceEdges.CHOSE),
                        ids(byRelation, InferenceEdges.PRODUCED)));
    }

    private static Map<String, Object> withStep(Map<String, Object> candidate, Object step) {
        Map<String, Object> row = new java.util.HashMap<>(candidate);
        row.put("step", step);
        return row;
    }

    /** An evidence item from its Cypher row (an absent atom or concept is InferenceEdges.NO_ID there). */
    private static Evidence evidence(Map<String, Object> row, boolean chosen) {
        return new Evidence(((Number) row.get("step")).intValue(), (String) row.get("role"),
                id(row.get("atomId")), id(row.get("conceptId")), ((Number) row.get("score")).doubleValue(), chosen);
    }

    private static Long id(Object value) {
        long id = ((Number) value).longValue();
        return id == InferenceEdges.NO_ID ? null : id;
    }

    private static List<Long> ids(Map<String, TreeSet<Long>> byRelation, String relation) {
        TreeSet<Long> ids = byRelation.get(relation);
        return ids == null ? List.of() : List.copyOf(ids);
    }
}
