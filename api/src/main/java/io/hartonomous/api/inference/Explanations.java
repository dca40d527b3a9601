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
 * same question on both: what the run's INFERENCE node has edges to, by relation.
 */
@ApplicationScoped
class Explanations {
    /**
     * The run's node (kind INFERENCE, its record id) and every edge out of it, as the provenance sync writes them
     * (Neo4jProvenanceWriter): one row per edge, none but the node's own when it has none.
     */
    static final String CYPHER = "MATCH (r:ProvenanceNode {tenantId: $tenant, kind: 'INFERENCE', refId: $id}) "
            + "OPTIONAL MATCH (r)-[e]->(n:ProvenanceNode) "
            + "RETURN r.label AS label, e.relation AS relation, n.refId AS refId";

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
        String label = (String) rows.getFirst().get("label");
        String operation = label == null ? null : label.substring(0, Math.max(0, label.lastIndexOf(" #")));
        List<Long> ran = ids(byRelation, InferenceEdges.RAN);
        return new InferenceViews.ExplainView(inferenceId, operation, null, "neo4j", null, null, null, null, null,
                new InferenceViews.ProvenanceView(ran.isEmpty() ? null : ran.getFirst(),
                        ids(byRelation, InferenceEdges.READ), ids(byRelation, InferenceEdges.CHOSE),
                        ids(byRelation, InferenceEdges.PRODUCED)));
    }

    private static List<Long> ids(Map<String, TreeSet<Long>> byRelation, String relation) {
        TreeSet<Long> ids = byRelation.get(relation);
        return ids == null ? List.of() : List.copyOf(ids);
    }
}
