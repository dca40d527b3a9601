package io.hartonomous.api.provenance.sync;

import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.NodeKind;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.TransactionContext;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies provenance graph changes to Neo4j, idempotently and in any order, one batch per write transaction.
 * <ul>
 * <li>A node is {@code (:ProvenanceNode:<Kind> {nodeId})}, keyed by the hot graph's node id (unique constraint), with
 * {@code tenantId, kind, refId, label, changedAt}; {@code (tenantId, kind, refId)} is indexed for look-ups by what
 * the node stands for; the properties a change carries (an INFERENCE node's evidence and receipt head) are set on it
 * as they are. Its label is replaced only by a change at least as recent as the one that set it, so a late
 * redelivery of an old change cannot undo a rename.</li>
 * <li>An edge is a relationship {@code [:<RELATION> {edgeId}]} (the relation upper-cased, other characters as
 * {@code _}: {@code derived-from} becomes {@code DERIVED_FROM}), keyed by the hot graph's edge id (a uniqueness
 * constraint per type), with the relation as written, the tenant and the time it was created. An edge that arrives
 * before its nodes creates them bare; their own change fills them in.</li>
 * </ul>
 * Everything is MERGE: applying a batch twice, or two consumers applying overlapping batches, leaves one node per
 * node id and one relationship per edge id.
 * <p>A removal deletes the node (with its relationships) or the relationship and leaves a tombstone,
 * {@code (:ProvenanceTombstone {nodeId})} or {@code (:ProvenanceTombstone {edgeId})}: hot-graph ids are never
 * reused, so a creation of a tombstoned id (a late or repeated delivery) is ignored, as is an edge to a tombstoned
 * node. Removals of a batch are applied before its creations (node removals first, which take most relationship
 * removals with them), so any order of delivery converges on "removed".
 */
public final class Neo4jProvenanceWriter {
    static final String NODE_LABEL = "ProvenanceNode";
    static final String TOMBSTONE_LABEL = "ProvenanceTombstone";
    private static final com.fasterxml.jackson.databind.ObjectMapper PROPERTIES =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> PROPERTIES_TYPE =
            new com.fasterxml.jackson.core.type.TypeReference<>() {
            };
    private static final Map<NodeKind, String> KIND_LABELS = new EnumMap<>(NodeKind.class);

    static {
        for (NodeKind kind : NodeKind.values()) {
            String name = kind.name();
            KIND_LABELS.put(kind, name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT));
        }
    }

    private final Driver driver;
    private final SessionConfig sessionConfig;
    private final Set<String> constrainedTypes = ConcurrentHashMap.newKeySet();
    private volatile boolean schemaReady;

    public Neo4jProvenanceWriter(Driver driver, String database) {
        this.driver = driver;
        this.sessionConfig = database == null || database.isBlank() ? SessionConfig.defaultConfig()
                : SessionConfig.forDatabase(database);
    }

    /** The Neo4j label of a node kind: FILE is {@code File}, EMBEDDING is {@code Embedding}. */
    static String kindLabel(NodeKind kind) {
        return KIND_LABELS.get(kind);
    }

    /** The relationship type of a relation: upper case, anything but letters and digits as {@code _}. */
    static String relationshipType(String relation) {
        StringBuilder type = new StringBuilder(relation.length());
        for (char c : relation.toUpperCase(Locale.ROOT).toCharArray()) {
            type.append((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_');
        }
        return type.toString();
    }

    /** Creates the constraints and the index once (each statement is IF NOT EXISTS, so concurrent callers agree). */
    public void ensureSchema() {
        if (schemaReady) {
            return;
        }
        try (Session session = driver.session(sessionConfig)) {
            session.run("CREATE CONSTRAINT hart_provenance_node_id IF NOT EXISTS FOR (n:" + NODE_LABEL
                    + ") REQUIRE n.nodeId IS UNIQUE").consume();
            session.run("CREATE INDEX hart_provenance_node_ref IF NOT EXISTS FOR (n:" + NODE_LABEL
                    + ") ON (n.tenantId, n.kind, n.refId)").consume();
            session.run("CREATE CONSTRAINT hart_provenance_tombstone_node IF NOT EXISTS FOR (t:" + TOMBSTONE_LABEL
                    + ") REQUIRE t.nodeId IS UNIQUE").consume();
            session.run("CREATE CONSTRAINT hart_provenance_tombstone_edge IF NOT EXISTS FOR (t:" + TOMBSTONE_LABEL
                    + ") REQUIRE t.edgeId IS UNIQUE").consume();
        }
        schemaReady = true;
    }

    private void ensureRelationshipConstraint(String type) {
        if (constrainedTypes.contains(type)) {
            return;
        }
        try (Session session = driver.session(sessionConfig)) {
            session.run("CREATE CONSTRAINT `hart_provenance_edge_" + type + "` IF NOT EXISTS FOR ()-[r:`" + type
                    + "`]-() REQUIRE r.edgeId IS UNIQUE").consume();
        }
        constrainedTypes.add(type);
    }

    /** Applies a batch in one write transaction (retried by the driver on transient errors); throws if it failed. */
    public void apply(List<GraphChange> changes) {
        ensureSchema();
        // The newest change per node and one change per edge: a batch never sets the same thing twice.
        Map<Long, GraphChange.NodeUpserted> nodes = new LinkedHashMap<>();
        Map<Long, GraphChange.EdgeCreated> edges = new LinkedHashMap<>();
        List<Map<String, Object>> removedNodes = new ArrayList<>();
        List<Map<String, Object>> removedEdges = new ArrayList<>();
        for (GraphChange change : changes) {
            switch (change) {
                case GraphChange.NodeUpserted n -> nodes.merge(n.nodeId(), n, Neo4jProvenanceWriter::newest);
                case GraphChange.EdgeCreated e -> edges.putIfAbsent(e.edgeId(), e);
                case GraphChange.NodeRemoved n -> removedNodes.add(Map.of("nodeId", n.nodeId(),
                        "tenantId", n.tenantId(), "changedAt", n.changedAt().atOffset(ZoneOffset.UTC)));
                case GraphChange.EdgeRemoved e -> removedEdges.add(Map.of("edgeId", e.edgeId(),
                        "tenantId", e.tenantId(), "changedAt", e.changedAt().atOffset(ZoneOffset.UTC)));
            }
        }
        Map<NodeKind, List<Map<String, Object>>> nodeRows = new EnumMap<>(NodeKind.class);
        for (GraphChange.NodeUpserted n : nodes.values()) {
            Map<String, Object> row = new HashMap<>();
            row.put("nodeId", n.nodeId());
            row.put("tenantId", n.tenantId());
            row.put("kind", n.kind().name());
            row.put("refId", n.refId());
            row.put("label", n.label());
            row.put("changedAt", n.changedAt().atOffset(ZoneOffset.UTC));
            row.put("properties", properties(n.propertiesJson()));
            nodeRows.computeIfAbsent(n.kind(), k -> new ArrayList<>()).add(row);
        }
        Map<String, List<Map<String, Object>>> edgeRows = new TreeMap<>();
        for (GraphChange.EdgeCreated e : edges.values()) {
            Map<String, Object> row = new HashMap<>();
            row.put("edgeId", e.edgeId());
            row.put("tenantId", e.tenantId());
            row.put("fromNodeId", e.fromNodeId());
            row.put("toNodeId", e.toNodeId());
            row.put("relation", e.relation());
            row.put("changedAt", e.changedAt().atOffset(ZoneOffset.UTC));
            edgeRows.computeIfAbsent(relationshipType(e.relation()), k -> new ArrayList<>()).add(row);
        }
        edgeRows.keySet().forEach(this::ensureRelationshipConstraint);
        try (Session session = driver.session(sessionConfig)) {
            session.executeWriteWithoutResult(tx -> {
                removeNodes(tx, removedNodes);
                removeEdges(tx, removedEdges);
                nodeRows.forEach((kind, rows) -> writeNodes(tx, kind, rows));
                edgeRows.forEach((type, rows) -> writeEdges(tx, type, rows));
            });
        }
    }

    /**
     * The newer of two changes of one node; the properties one of them carries are kept (they come with the node's
     * creation, a later relabel carries none).
     */
    private static GraphChange.NodeUpserted newest(GraphChange.NodeUpserted old, GraphChange.NodeUpserted fresh) {
        GraphChange.NodeUpserted newer = fresh.changedAt().isBefore(old.changedAt()) ? old : fresh;
        GraphChange.NodeUpserted other = newer == fresh ? old : fresh;
        if (newer.propertiesJson() == null && other.propertiesJson() != null) {
            return new GraphChange.NodeUpserted(newer.tenantId(), newer.nodeId(), newer.kind(), newer.refId(),
                    newer.label(), newer.changedAt(), other.propertiesJson());
        }
        return newer;
    }

    /** A node's properties as Neo4j takes them (a map of scalars and lists of scalars), or null. */
    private static Map<String, Object> properties(String json) {
        if (json == null) {
            return null;
        }
        try {
            return PROPERTIES.readValue(json, PROPERTIES_TYPE);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("a node's properties are not a JSON object: " + e.getMessage(), e);
        }
    }

    /** Tombstones first (idempotent), then the node and its relationships go. */
    private static void removeNodes(TransactionContext tx, List<Map<String, Object>> rows) {
        if (rows.isEmpty()) {
            return;
        }
        tx.run("UNWIND $rows AS row "
                + "MERGE (t:" + TOMBSTONE_LABEL + " {nodeId: row.nodeId}) "
                + "ON CREATE SET t.tenantId = row.tenantId, t.removedAt = row.changedAt "
                + "WITH row OPTIONAL MATCH (n:" + NODE_LABEL + " {nodeId: row.nodeId}) DETACH DELETE n",
                Map.of("rows", rows)).consume();
    }

    /**
     * Tombstones, then the relationship of each id. A removal does not say the relationship's type, and a
     * relationship is found by its id only through its type's uniqueness constraint, so each type present is asked
     * (a few types, an index seek each) instead of scanning every relationship; most of them went with their nodes
     * already (node removals are applied first).
     */
    private static void removeEdges(TransactionContext tx, List<Map<String, Object>> rows) {
        if (rows.isEmpty()) {
            return;
        }
        tx.run("UNWIND $rows AS row "
                + "MERGE (t:" + TOMBSTONE_LABEL + " {edgeId: row.edgeId}) "
                + "ON CREATE SET t.tenantId = row.tenantId, t.removedAt = row.changedAt",
                Map.of("rows", rows)).consume();
        List<Long> ids = rows.stream().map(r -> (Long) r.get("edgeId")).toList();
        List<String> types = tx.run("CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType")
                .list(r -> r.get(0).asString());
        for (String type : types) {
            tx.run("UNWIND $ids AS id MATCH ()-[r:`" + type.replace("`", "``") + "` {edgeId: id}]->() DELETE r",
                    Map.of("ids", ids)).consume();
        }
    }

    private static void writeNodes(TransactionContext tx, NodeKind kind, List<Map<String, Object>> rows) {
        tx.run("UNWIND $rows AS row "
                + "WITH row WHERE NOT EXISTS { MATCH (:" + TOMBSTONE_LABEL + " {nodeId: row.nodeId}) } "
                + "MERGE (n:" + NODE_LABEL + " {nodeId: row.nodeId}) "
                + "SET n:" + kindLabel(kind) + ", n.tenantId = row.tenantId, n.kind = row.kind, n.refId = row.refId "
                + "FOREACH (p IN CASE WHEN row.properties IS NULL THEN [] ELSE [row.properties] END | SET n += p) "
                + "WITH n, row WHERE n.changedAt IS NULL OR n.changedAt <= row.changedAt "
                + "SET n.label = row.label, n.changedAt = row.changedAt", Map.of("rows", rows)).consume();
    }

    private static void writeEdges(TransactionContext tx, String type, List<Map<String, Object>> rows) {
        tx.run("UNWIND $rows AS row "
                + "WITH row WHERE NOT EXISTS { MATCH (:" + TOMBSTONE_LABEL + " {edgeId: row.edgeId}) } "
                + "AND NOT EXISTS { MATCH (t:" + TOMBSTONE_LABEL + ") WHERE t.nodeId IN [row.fromNodeId, row.toNodeId] } "
                + "MERGE (a:" + NODE_LABEL + " {nodeId: row.fromNodeId}) ON CREATE SET a.tenantId = row.tenantId "
                + "MERGE (b:" + NODE_LABEL + " {nodeId: row.toNodeId}) ON CREATE SET b.tenantId = row.tenantId "
                + "MERGE (a)-[r:`" + type + "` {edgeId: row.edgeId}]->(b) "
                + "ON CREATE SET r.createdAt = row.changedAt "
                + "SET r.relation = row.relation, r.tenantId = row.tenantId", Map.of("rows", rows)).consume();
    }
}
