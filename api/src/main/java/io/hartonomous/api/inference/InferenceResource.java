package io.hartonomous.api.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.api.security.Metered;
import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.support.Params;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.inference.InferenceRecord;
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

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The tenant's inference records, each with its receipt: the exact model file, weights and inputs a run used. */
@Path("/api/inference")
@Tag(name = "inference")
@Produces(MediaType.APPLICATION_JSON)
public class InferenceResource {
    static final int DEFAULT_LIMIT = 100;

    @Inject
    MeteredCaller caller;
    @Inject
    ObjectMapper json;
    @Inject
    Explanations explanations;

    @GET
    @Path("/{id}")
    @RequiresScope(Scope.QUERY)
    @Metered("inference.get")
    @Operation(summary = "One inference record with its receipt")
    public InferenceViews.InferenceView get(@PathParam("id") String id) {
        long inferenceId = Params.id("inference id", id);
        InferenceRecord record = caller.reads().inference().byId(inferenceId)
                .orElseThrow(() -> new NotFoundException("inference " + inferenceId + " not found"));
        caller.units(1);
        return view(record);
    }

    @GET
    @Path("/{id}/explain")
    @RequiresScope(Scope.QUERY)
    @Metered("inference.explain")
    @Operation(summary = "Why a run gave its result: evidence with scores, the alternatives not chosen, the model and "
            + "weight version; ?source=neo4j answers the provenance part from the cold tier by Cypher")
    public InferenceViews.ExplainView explain(@PathParam("id") String id, @QueryParam("source") String source) {
        long inferenceId = Params.id("inference id", id);
        String from = source == null || source.isBlank() ? "storage" : source.strip().toLowerCase(Locale.ROOT);
        InferenceViews.ExplainView view = switch (from) {
            case "storage" -> explanations.fromStorage(caller.reads(), inferenceId);
            case "neo4j" -> explanations.fromNeo4j(caller.tenant(), inferenceId);
            default -> throw new IllegalArgumentException("unknown source '" + source
                    + "' (expected storage or neo4j)");
        };
        caller.units(1 + (view.evidence() == null ? 0 : view.evidence().size()));
        return view;
    }

    @GET
    @RequiresScope(Scope.QUERY)
    @Metered("inference.list")
    @Operation(summary = "Inference records, newest first: ?model= (id), ?since= (ISO-8601), ?limit= (1-1000)")
    public List<InferenceViews.InferenceView> list(@QueryParam("model") String model,
                                                   @QueryParam("since") String since,
                                                   @QueryParam("limit") String limit) {
        Long modelId = model == null || model.isBlank() ? null : Params.id("model", model);
        Instant from = Params.instant("since", since);
        int n = (int) Params.bounded("limit", limit, DEFAULT_LIMIT, 1, 1000);
        List<InferenceViews.InferenceView> records = caller.reads().inference().list(modelId, from, n).stream()
                .map(this::view).toList();
        caller.units(records.size());
        return records;
    }

    private InferenceViews.InferenceView view(InferenceRecord r) {
        JsonNode outputs = null;
        if (r.outputSummaryJson() != null) {
            try {
                outputs = json.readTree(r.outputSummaryJson()).get("outputs");
            } catch (IOException e) {
                outputs = json.getNodeFactory().textNode(r.outputSummaryJson());
            }
        }
        return InferenceViews.InferenceView.of(r, outputs);
    }
}
