package io.hartonomous.api.concepts;

import io.hartonomous.api.security.Metered;
import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.support.Params;
import io.hartonomous.edge.keys.RequiresScope;
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

import java.time.Instant;
import java.util.List;

/** The concepts an atom is bound to, one per embedding type, as of a time. */
@Path("/api/atoms/{id}/concepts")
@Tag(name = "concepts")
@RequiresScope(Scope.QUERY)
@Produces(MediaType.APPLICATION_JSON)
public class AtomConceptsResource {
    @Inject
    MeteredCaller caller;

    @GET
    @Metered("concepts.atom")
    @Operation(summary = "The concepts an atom is bound to with its similarity, in the generations current at "
            + "?asOf= (ISO-8601, default now)")
    public ConceptViews.AtomConceptsView concepts(@PathParam("id") String id, @QueryParam("asOf") String asOf) {
        long atomId = Params.id("atom id", id);
        Instant at = Params.instant("asOf", asOf);
        if (caller.reads().atoms().byId(atomId).isEmpty()) {
            throw new NotFoundException("atom " + atomId + " not found");
        }
        List<ConceptViews.AtomConceptView> concepts = caller.reads().concepts().conceptsOf(atomId, at).stream()
                .map(ConceptViews.AtomConceptView::of).toList();
        caller.units(Math.max(1, concepts.size()));
        return new ConceptViews.AtomConceptsView(atomId, concepts);
    }
}
