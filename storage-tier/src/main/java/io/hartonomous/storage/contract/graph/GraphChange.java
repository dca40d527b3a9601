package io.hartonomous.storage.contract.graph;

import io.hartonomous.storage.contract.Tenants;

import java.time.Instant;

/**
 * One change of the hot provenance graph, as the {@link ProvenanceFeed} delivers it to the cold tier: a node was
 * created or relabelled, or an edge was created. Ids are the hot graph's own ({@link GraphNode#nodeId()},
 * {@link GraphEdge#edgeId()}), unique across tenants, so a consumer can apply a change idempotently by id and in any
 * order (an edge may arrive before its nodes). {@code changedAt} is when the change was written, in the writing
 * transaction: for one node, a later change has a later or equal time. A removal is final: ids are never reused, so
 * a consumer keeps a tombstone and ignores any later-delivered creation of a removed id.
 */
public sealed interface GraphChange permits GraphChange.NodeUpserted, GraphChange.EdgeCreated,
        GraphChange.NodeRemoved, GraphChange.EdgeRemoved {
    String tenantId();

    Instant changedAt();

    /**
     * The node of (kind, refId) now exists with this label (created, or its label replaced). {@code propertiesJson},
     * when not null, is a flat JSON object of what the node carries beyond its label (values: numbers, text, booleans
     * or arrays of one of them, never null inside an array), written once with the node: an INFERENCE node's
     * evidence and receipt (InferenceNodeProperties). A change without it leaves the properties the cold tier has.
     */
    record NodeUpserted(String tenantId, long nodeId, NodeKind kind, long refId, String label, Instant changedAt,
                        String propertiesJson) implements GraphChange {
        public NodeUpserted {
            Tenants.requireValid(tenantId);
            if (kind == null || changedAt == null) {
                throw new IllegalArgumentException("a node change needs a kind and a time");
            }
        }

        /** A change of a node that carries no properties (or that leaves them as they are). */
        public NodeUpserted(String tenantId, long nodeId, NodeKind kind, long refId, String label,
                            Instant changedAt) {
            this(tenantId, nodeId, kind, refId, label, changedAt, null);
        }

        public GraphNode node() {
            return new GraphNode(nodeId, kind, refId, label);
        }
    }

    /** The edge {@code fromNodeId -relation-> toNodeId} was created (edges never change afterwards). */
    record EdgeCreated(String tenantId, long edgeId, long fromNodeId, long toNodeId, String relation,
                       Instant changedAt) implements GraphChange {
        public EdgeCreated {
            Tenants.requireValid(tenantId);
            if (relation == null || relation.isBlank() || changedAt == null) {
                throw new IllegalArgumentException("an edge change needs a relation and a time");
            }
        }

        public GraphEdge edge() {
            return new GraphEdge(edgeId, fromNodeId, toNodeId, relation);
        }
    }

    /** The node was removed (with its edges; their own removals are sent as well). */
    record NodeRemoved(String tenantId, long nodeId, Instant changedAt) implements GraphChange {
        public NodeRemoved {
            Tenants.requireValid(tenantId);
            if (changedAt == null) {
                throw new IllegalArgumentException("a removal needs a time");
            }
        }
    }

    /** The edge was removed. */
    record EdgeRemoved(String tenantId, long edgeId, Instant changedAt) implements GraphChange {
        public EdgeRemoved {
            Tenants.requireValid(tenantId);
            if (changedAt == null) {
                throw new IllegalArgumentException("a removal needs a time");
            }
        }
    }
}
