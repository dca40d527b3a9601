package io.hartonomous.api.concepts;

import io.hartonomous.api.security.Metered;
import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.support.Params;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.reasoning.ConceptDetail;
import io.hartonomous.storage.contract.reasoning.ConceptGeneration;
import io.hartonomous.storage.contract.reasoning.ConceptStore;
import io.hartonomous.storage.contract.reasoning.DiscoverRequest;
import io.hartonomous.storage.contract.reasoning.Discovery;
import io.hartonomous.storage.contract.vectors.Metric;
import io.hartonomous.storage.contract.vectors.SearchMode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.Locale;

/**
 * Concepts discovered in the tenant's embeddings (issue 13): DBSCAN over one embedding type, each run a new
 * generation with its inference record; the concepts' Voronoi domains in the projection plane; what the concepts
 * were as of a time.
 */
@Path("/api/concepts")
@Tag(name = "concepts")
@RequiresScope(Scope.QUERY)
@Produces(MediaType.APPLICATION_JSON)
public class ConceptsResource {
    @Inject
    MeteredCaller caller;

    @POST
    @Path("/discover")
    @Consumes(MediaType.APPLICATION_JSON)
    @Metered("concepts.discover")
    @Operation(summary = "DBSCAN over the tenant's embeddings of a type (eps, minPts, metric euclidean|cosine, mode "
            + "hybrid|exact): a new concept generation with its domains, evolution and inference record")
    public ConceptViews.GenerationView discover(ConceptViews.DiscoverBody body) {
        DiscoverRequest request = request(body);
        Discovery d = caller.writes().concepts().discover(request);
        // Metered by the points clustered: one neighbourhood search each.
        caller.units(d.concepts().stream().mapToLong(c -> c.members()).sum() + d.noise().size());
        return ConceptViews.GenerationView.of(d);
    }

    static DiscoverRequest request(ConceptViews.DiscoverBody body) {
        if (body == null) {
            throw new IllegalArgumentException("a JSON body {embeddingType, eps, minPts, metric, mode} is required");
        }
        if (body.eps() == null || body.minPts() == null) {
            throw new IllegalArgumentException("eps (> 0) and minPts (1-" + DiscoverRequest.MAX_MIN_PTS
                    + ") are required");
        }
        Metric metric = body.metric() == null ? Metric.EUCLIDEAN : Metric.parse(body.metric());
        SearchMode mode = switch (body.mode() == null ? "hybrid" : body.mode().strip().toLowerCase(Locale.ROOT)) {
            case "hybrid" -> SearchMode.HYBRID;
            case "exact" -> SearchMode.EXACT;
            default -> throw new IllegalArgumentException("unknown mode '" + body.mode()
                    + "' (expected hybrid or exact)");
        };
        return new DiscoverRequest(body.embeddingType() == null ? null : body.embeddingType().strip(), body.eps(),
                body.minPts(), metric, mode);
    }

    @GET
    @Path("/generations")
    @Metered("concepts.generation")
    @Operation(summary = "The concept generation of an embedding type current at ?asOf= (ISO-8601, default now), "
            + "with its concepts and its evolution from the previous one")
    public ConceptViews.GenerationView generation(@QueryParam("embeddingType") String type,
                                                  @QueryParam("asOf") String asOf) {
        String embeddingType = requireType(type);
        Instant at = Params.instant("asOf", asOf);
        ConceptStore concepts = caller.reads().concepts();
        ConceptGeneration g = concepts.generation(embeddingType, at).orElseThrow(() -> new NotFoundException(
                "no concepts of type " + embeddingType + (at == null ? "" : " as of " + at)));
        ConceptViews.GenerationView view = ConceptViews.GenerationView.of(g, concepts.concepts(g.generationId()),
                null, concepts.evolution(g.generationId()));
        caller.units(1 + view.concepts().size());
        return view;
    }

    @GET
    @Path("/at")
    @Metered("concepts.at")
    @Operation(summary = "The concept whose domain holds the point (x, y) of the projection plane, in the generation "
            + "of the embedding type current at ?asOf=")
    public ConceptViews.ConceptView at(@QueryParam("embeddingType") String type, @QueryParam("x") String x,
                                       @QueryParam("y") String y, @QueryParam("asOf") String asOf) {
        String embeddingType = requireType(type);
        double px = coordinate("x", x);
        double py = coordinate("y", y);
        Instant at = Params.instant("asOf", asOf);
        ConceptViews.ConceptView view = caller.reads().concepts().at(embeddingType, px, py, at)
                .map(ConceptViews.ConceptView::of).orElseThrow(() -> new NotFoundException("no concept of type "
                        + embeddingType + " has a domain holding (" + px + ", " + py + ")"));
        caller.units(1);
        return view;
    }

    @GET
    @Path("/{id}")
    @Metered("concepts.get")
    @Operation(summary = "One concept: its members with their similarity, its domain (WKT) and its neighbours")
    public ConceptViews.ConceptView get(@PathParam("id") String id) {
        long conceptId = Params.id("concept id", id);
        ConceptDetail detail = caller.reads().concepts().concept(conceptId)
                .orElseThrow(() -> new NotFoundException("concept " + conceptId + " not found"));
        caller.units(1 + detail.members().size());
        return ConceptViews.ConceptView.of(detail);
    }

    private static String requireType(String type) {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("embeddingType is required");
        }
        return type.strip();
    }

    private static double coordinate(String name, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(name + " is required (a number)");
        }
        try {
            double v = Double.parseDouble(text.strip());
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a finite number, got '" + text + "'");
        }
    }
}
