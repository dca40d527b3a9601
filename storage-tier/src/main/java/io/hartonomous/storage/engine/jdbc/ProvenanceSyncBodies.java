package io.hartonomous.storage.engine.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.NodeKind;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.function.Supplier;

/**
 * The JSON bodies of the Service Broker message type {@code //hartonomous/provenance/GraphChange}, as graph.sp_EnsureNode
 * and graph.sp_EnsureEdge write them ({@code FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES}) and
 * provenance.sp_EnqueueProvenanceSync stamps them ({@code changedAt}, UTC, sql/074):
 * <pre>
 * {"change":"node","tenantId":"acme","nodeId":7,"kind":"FILE","refId":42,"label":"a.png","changedAt":"2026-..."}
 * {"change":"node", ..., "kind":"INFERENCE", ..., "properties":{"evidenceStep":[0,0], ...}}   (a run's node, sql/082)
 * {"change":"edge","tenantId":"acme","edgeId":3,"fromNodeId":7,"toNodeId":8,"relation":"derived-from","changedAt":"..."}
 * {"change":"node-removed","tenantId":"acme","nodeId":7,"changedAt":"..."}      (dbo.sp_RunDeletionBatch, sql/078)
 * {"change":"edge-removed","tenantId":"acme","edgeId":3,"changedAt":"..."}
 * </pre>
 * A body without {@code changedAt} gets the time it is read. Both engines also store dead-lettered provenance changes
 * in this form ({@link #body}), so a retried change keeps its time.
 */
public final class ProvenanceSyncBodies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProvenanceSyncBodies() {
    }

    /** The change a body describes; IllegalArgumentException when it is not one. */
    public static GraphChange parse(String body, Supplier<Instant> readTime) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String change = text(json, "change", true);
        String tenant = text(json, "tenantId", true);
        Instant at = time(json.get("changedAt"), readTime);
        return switch (change) {
            case "node" -> new GraphChange.NodeUpserted(tenant, number(json, "nodeId"),
                    NodeKind.valueOf(text(json, "kind", true)), number(json, "refId"), text(json, "label", false), at,
                    properties(json.get("properties")));
            case "edge" -> new GraphChange.EdgeCreated(tenant, number(json, "edgeId"), number(json, "fromNodeId"),
                    number(json, "toNodeId"), text(json, "relation", true), at);
            case "node-removed" -> new GraphChange.NodeRemoved(tenant, number(json, "nodeId"), at);
            case "edge-removed" -> new GraphChange.EdgeRemoved(tenant, number(json, "edgeId"), at);
            default -> throw new IllegalArgumentException("unknown change '" + change + "'");
        };
    }

    /** The body of a change, as sql/074 writes it, with its {@code changedAt} (UTC, ISO 8601 with offset). */
    public static String body(GraphChange change) {
        ObjectNode json = JSON.createObjectNode();
        switch (change) {
            case GraphChange.NodeUpserted n -> {
                json.put("change", "node").put("tenantId", n.tenantId()).put("nodeId", n.nodeId())
                        .put("kind", n.kind().name()).put("refId", n.refId()).put("label", n.label());
                if (n.propertiesJson() != null) {
                    try {
                        json.set("properties", JSON.readTree(n.propertiesJson()));
                    } catch (Exception e) {
                        throw new IllegalArgumentException("a node's properties are not JSON: " + e.getMessage(), e);
                    }
                }
            }
            case GraphChange.EdgeCreated e -> json.put("change", "edge").put("tenantId", e.tenantId())
                    .put("edgeId", e.edgeId()).put("fromNodeId", e.fromNodeId()).put("toNodeId", e.toNodeId())
                    .put("relation", e.relation());
            case GraphChange.NodeRemoved r -> json.put("change", "node-removed").put("tenantId", r.tenantId())
                    .put("nodeId", r.nodeId());
            case GraphChange.EdgeRemoved r -> json.put("change", "edge-removed").put("tenantId", r.tenantId())
                    .put("edgeId", r.edgeId());
        }
        json.put("changedAt", change.changedAt().atOffset(ZoneOffset.UTC).toString());
        return json.toString();
    }

    /** A node's properties (an object, sql/074 nests it as JSON), or null when the change carries none. */
    private static String properties(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw new IllegalArgumentException("properties is not a JSON object");
        }
        return value.toString();
    }

    private static String text(JsonNode json, String field, boolean required) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException("no " + field);
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " is not text");
        }
        return value.asText();
    }

    private static long number(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException("no whole number " + field);
        }
        return value.asLong();
    }

    /** ISO 8601 with or without an offset; without one it is UTC (the database's DATETIME2 convention). */
    private static Instant time(JsonNode value, Supplier<Instant> readTime) {
        if (value == null || value.isNull()) {
            return readTime.get();
        }
        String text = value.asText();
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("changedAt '" + text + "' is not an ISO 8601 time", e);
            }
        }
    }
}
