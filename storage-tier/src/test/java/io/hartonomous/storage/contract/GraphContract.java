package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.graph.LineageDirection;
import io.hartonomous.storage.contract.graph.LineageStep;

import io.hartonomous.storage.contract.graph.GraphNode;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.graph.ProvenanceGraph;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Provenance nodes/edges and lineage walks. */
public abstract class GraphContract extends StorageContractSuite {

    @Test
    void lineageWalksAThreeLevelGraphInBothDirections() {
        TenantStorage t = engine.forTenant(newTenant());
        ProvenanceGraph g = t.graph();
        GraphNode file = g.node(NodeKind.FILE, 1, "model.gguf");
        GraphNode model = g.node(NodeKind.MODEL, 10, "tiny");
        GraphNode tensorA = g.node(NodeKind.TENSOR, 100, "w");
        GraphNode tensorB = g.node(NodeKind.TENSOR, 101, "b");
        GraphNode embedding = g.node(NodeKind.EMBEDDING, 1000, "stats");
        g.edge(file.nodeId(), model.nodeId(), "atomized-as");
        g.edge(model.nodeId(), tensorA.nodeId(), "has-tensor");
        g.edge(model.nodeId(), tensorB.nodeId(), "has-tensor");
        g.edge(tensorA.nodeId(), embedding.nodeId(), "embedded-as");
        // A shortcut must not make the embedding look deeper than its shallowest path.
        g.edge(file.nodeId(), embedding.nodeId(), "embedded-as");

        assertThat(g.node(NodeKind.FILE, 1, null).nodeId()).as("get-or-create").isEqualTo(file.nodeId());

        List<LineageStep> down = g.lineage(NodeKind.FILE, 1, 3, LineageDirection.DOWNSTREAM);
        assertThat(down).extracting(s -> s.node().kind()).containsExactly(NodeKind.MODEL, NodeKind.EMBEDDING,
                NodeKind.TENSOR, NodeKind.TENSOR);
        assertThat(down).extracting(LineageStep::depth).containsExactly(1, 1, 2, 2);
        assertThat(down.getFirst().via().relation()).isEqualTo("atomized-as");

        List<LineageStep> shallow = g.lineage(NodeKind.FILE, 1, 1, LineageDirection.DOWNSTREAM);
        assertThat(shallow).hasSize(2);

        List<LineageStep> up = g.lineage(NodeKind.EMBEDDING, 1000, 3, LineageDirection.UPSTREAM);
        assertThat(up).extracting(s -> s.node().kind()).contains(NodeKind.TENSOR, NodeKind.FILE, NodeKind.MODEL);
        assertThat(up.stream().filter(s -> s.node().kind() == NodeKind.MODEL).findFirst().orElseThrow().depth())
                .isEqualTo(2);

        List<LineageStep> both = g.lineage(NodeKind.MODEL, 10, 1, LineageDirection.BOTH);
        assertThat(both).extracting(s -> s.node().nodeId())
                .containsExactlyInAnyOrder(file.nodeId(), tensorA.nodeId(), tensorB.nodeId());
    }

    @Test
    void cyclesTerminateAndBadRequestsAreRefused() {
        TenantStorage t = engine.forTenant(newTenant());
        GraphNode a = t.graph().node(NodeKind.FILE, 1, "a");
        GraphNode b = t.graph().node(NodeKind.FILE, 2, "b");
        t.graph().edge(a.nodeId(), b.nodeId(), "derived-from");
        t.graph().edge(b.nodeId(), a.nodeId(), "derived-from");
        assertThat(t.graph().lineage(NodeKind.FILE, 1, 10, LineageDirection.DOWNSTREAM))
                .extracting(s -> s.node().nodeId()).containsExactly(b.nodeId());
        assertThatThrownBy(() -> t.graph().lineage(NodeKind.FILE, 99, 2, LineageDirection.BOTH))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> t.graph().lineage(NodeKind.FILE, 1, 0, LineageDirection.BOTH))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
