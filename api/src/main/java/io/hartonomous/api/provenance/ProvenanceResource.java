package io.hartonomous.api.provenance;

import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.security.Metered;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.api.support.Params;
import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.graph.GraphNode;
import io.hartonomous.storage.contract.graph.LineageDirection;
import io.hartonomous.storage.contract.graph.LineageStep;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.keys.Scope;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Locale;

/**
 * Lineage of an atom through the provenance graph: a file's node leads to what was made from it (models, tensors,
 * embeddings; files derived from it) downstream, and to what it came from upstream (derived-from edges).
 */
@Path("/api/provenance")
@Tag(name = "provenance")
@RequiresScope(Scope.QUERY)
@Produces(MediaType.APPLICATION_JSON)
public class ProvenanceResource {
    static final int DEFAULT_DEPTH = 3;
    static final int MAX_DEPTH = 32;

    @Inject
    MeteredCaller caller;

    public record Node(long nodeId, String kind, long refId, String label) {
        static Node of(GraphNode n) {
            return new Node(n.nodeId(), n.kind().name().toLowerCase(Locale.ROOT), n.refId(), n.label());
        }
    }

    public record Step(int depth, String relation, long fromNodeId, long toNodeId, Node node) {
        static Step of(LineageStep s) {
            return new Step(s.depth(), s.via().relation(), s.via().fromNodeId(), s.via().toNodeId(),
                    Node.of(s.node()));
        }
    }

    /** {@code recorded}: whether any provenance exists for the atom (an atom without any has no steps). */
    public record Lineage(long atomId, String kind, int depth, String direction, boolean recorded, List<Step> steps) {
    }

    @GET
    @Path("/atoms/{id}/lineage")
    @Metered("provenance.lineage")
    @Operation(summary = "Walk the provenance graph from an atom (depth 1-32, default 3; direction downstream, "
            + "upstream or both, default both)")
    public Lineage lineage(@PathParam("id") String id, @QueryParam("depth") String depthText,
                           @QueryParam("direction") String directionText) {
        long atomId = Params.id("atom id", id);
        int depth = (int) Params.bounded("depth", depthText, DEFAULT_DEPTH, 1, MAX_DEPTH);
        LineageDirection direction = direction(directionText);
        Atom atom = caller.reads().atoms().byId(atomId)
                .orElseThrow(() -> new NotFoundException("atom " + atomId + " not found"));
        NodeKind kind = atom.type().isFile() ? NodeKind.FILE : NodeKind.ATOM;
        List<Step> steps;
        boolean recorded = true;
        try {
            steps = caller.reads().graph().lineage(kind, atomId, depth, direction).stream().map(Step::of).toList();
        } catch (NotFoundException noProvenance) {
            steps = List.of();
            recorded = false;
        }
        caller.units(steps.size());
        return new Lineage(atomId, kind.name().toLowerCase(Locale.ROOT), depth,
                direction.name().toLowerCase(Locale.ROOT), recorded, steps);
    }

    private static LineageDirection direction(String text) {
        if (text == null || text.isBlank()) {
            return LineageDirection.BOTH;
        }
        try {
            return LineageDirection.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown direction '" + text
                    + "' (expected downstream, upstream or both)");
        }
    }
}
