package io.hartonomous.api.reasoning;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.api.security.Metered;
import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.storage.contract.inference.InferenceRecord;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.reasoning.PathRequest;
import io.hartonomous.storage.contract.reasoning.PathResult;
import io.hartonomous.storage.contract.vectors.Metric;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reasoning over the tenant's embeddings: the A* path between two atoms over the k-nearest-neighbour graph. Every
 * run is an inference record (operation {@code reasoning.path}) with the path's atoms as its evidence.
 */
@Path("/api/reasoning")
@Tag(name = "reasoning")
@RequiresScope(Scope.QUERY)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ReasoningResource {
    static final int DEFAULT_K = 10;

    @Inject
    MeteredCaller caller;
    @Inject
    ObjectMapper json;

    @POST
    @Path("/path")
    @Metered("reasoning.path")
    @Operation(summary = "A* shortest path between two atoms over the k-NN graph of their embeddings of a type "
            + "(edge cost = distance); says which heuristic it used and how many nodes it expanded")
    public ReasoningViews.PathAnswer path(ReasoningViews.PathBody body) {
        PathRequest request = toRequest(body);
        long from = request.fromAtom();
        long to = request.toAtom();
        int k = request.k();
        Metric metric = request.metric();
        long started = System.nanoTime();
        PathResult result = caller.reads().reasoning().path(request);
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        InferenceRecord record = ReasoningRuns.path(caller.writes().inference(), json, null, from, to, result,
                durationMs, parameters(request));
        caller.units(result.expanded());
        caller.grounding("exact");
        return new ReasoningViews.PathAnswer(record.inferenceId(), result.found(), result.path(), result.costs(),
                result.found() ? result.cost() : null, result.expanded(), result.heuristic().wireName(),
                result.heuristic().description(), result.exhausted(), metric.name().toLowerCase(Locale.ROOT), k);
    }

    static PathRequest toRequest(ReasoningViews.PathBody body) {
        if (body == null) {
            throw new IllegalArgumentException("a JSON body {from, to, embeddingType, k, metric} is required");
        }
        return new PathRequest(ReasoningParams.required("from", body.from()), ReasoningParams.required("to",
                body.to()), ReasoningParams.embeddingType(body.embeddingType()),
                body.k() == null ? DEFAULT_K : body.k(), ReasoningParams.metric(body.metric(), Metric.EUCLIDEAN),
                body.maxExpanded() == null ? PathRequest.DEFAULT_MAX_EXPANDED : body.maxExpanded(),
                ReasoningParams.heuristic(body.heuristic()));
    }

    static Map<String, Object> parameters(PathRequest r) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("from", r.fromAtom());
        parameters.put("to", r.toAtom());
        parameters.put("embeddingType", r.embeddingType());
        parameters.put("k", r.k());
        parameters.put("metric", r.metric().name().toLowerCase(Locale.ROOT));
        parameters.put("heuristic", r.heuristic().wireName());
        return parameters;
    }
}
