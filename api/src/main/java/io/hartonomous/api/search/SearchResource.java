package io.hartonomous.api.search;

import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.security.Metered;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.api.support.Params;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.vectors.Metric;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.vectors.SearchHit;
import io.hartonomous.storage.contract.vectors.SearchMode;
import io.hartonomous.storage.contract.vectors.SearchRequest;
import io.hartonomous.storage.contract.vectors.SearchResult;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Nearest-neighbour search over embeddings the caller may see. {@code hybrid}: candidates from the spatial index
 * around the query's projected point, reranked with exact distances; {@code exact}: every embedding scanned with
 * SIMD distances.
 */
@Path("/api/search")
@Tag(name = "search")
@RequiresScope(Scope.QUERY)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SearchResource {
    static final int DEFAULT_K = 10;
    static final int MAX_CANDIDATES = 100_000;

    @Inject
    MeteredCaller caller;

    /** Optional filters on the matched atoms. */
    public record Filters(String modality, String subtype, String createdFrom, String createdTo) {
    }

    /**
     * {@code vector} (1-1998 numbers) is required; {@code k} defaults to 10 (max 1000), {@code mode} to hybrid,
     * {@code metric} to euclidean (cosine, euclidean, dot); {@code candidates} bounds hybrid's rerank (0 = default).
     */
    public record SearchBody(float[] vector, Integer k, String mode, String metric, String embeddingType,
                             Filters filters, Integer candidates) {
    }

    public record Hit(long atomId, String embeddingType, double distance) {
        static Hit of(SearchHit h) {
            return new Hit(h.atomId(), h.embeddingType(), h.distance());
        }
    }

    /** {@code candidatesReranked}: exact distances hybrid mode computed (null for exact, see {@code examined}). */
    public record SearchResponse(String mode, String metric, int k, Long candidatesReranked, long examined,
                                 double tookMillis, List<Hit> hits) {
    }

    @POST
    @Metered("search.query")
    @Operation(summary = "k nearest atoms by embedding (hybrid or exact) with optional filters")
    public SearchResponse search(SearchBody body) {
        SearchRequest request = toRequest(body);
        long start = System.nanoTime();
        SearchResult result = caller.reads().vectors().search(request);
        double took = (System.nanoTime() - start) / 1e6;
        caller.units(result.hits().size());
        caller.grounding(result.mode() == SearchMode.EXACT ? "exact" : "approximate");
        return new SearchResponse(result.mode().name().toLowerCase(Locale.ROOT),
                request.metric().name().toLowerCase(Locale.ROOT), request.k(),
                result.mode() == SearchMode.HYBRID ? result.candidatesReranked() : null, result.candidatesReranked(),
                took, result.hits().stream().map(Hit::of).toList());
    }

    static SearchRequest toRequest(SearchBody body) {
        if (body == null) {
            throw new IllegalArgumentException("a JSON body {vector, k, mode, metric, filters} is required");
        }
        float[] vector = Vectors.require("vector", body.vector());
        int k = body.k() == null ? DEFAULT_K : body.k();
        if (k < 1 || k > SearchRequest.MAX_K) {
            throw new IllegalArgumentException("k must be between 1 and " + SearchRequest.MAX_K + ", got " + k);
        }
        SearchMode mode = body.mode() == null ? SearchMode.HYBRID : mode(body.mode());
        Metric metric = body.metric() == null ? Metric.EUCLIDEAN : Metric.parse(body.metric());
        int candidates = body.candidates() == null ? 0 : body.candidates();
        if (candidates < 0 || candidates > MAX_CANDIDATES) {
            throw new IllegalArgumentException("candidates must be between 0 (the default) and " + MAX_CANDIDATES
                    + ", got " + candidates);
        }
        Filters f = body.filters() == null ? new Filters(null, null, null, null) : body.filters();
        Modality modality = f.modality() == null ? null : Modality.fromWireName(f.modality().strip()
                .toLowerCase(Locale.ROOT));
        String subtype = f.subtype() == null ? null : f.subtype().strip();
        if (subtype != null) {
            if (modality != null) {
                AtomType.of(modality, subtype); // refuses a subtype the modality does not have
            } else if (subtype.isEmpty() || subtype.length() > 16) {
                throw new IllegalArgumentException("filters.subtype must be 1-16 characters");
            }
        }
        Instant from = Params.instant("filters.createdFrom", f.createdFrom());
        Instant to = Params.instant("filters.createdTo", f.createdTo());
        if (from != null && to != null && from.isAfter(to)) {
            throw new IllegalArgumentException("filters.createdFrom " + from + " is after filters.createdTo " + to);
        }
        return new SearchRequest(vector, k, metric, mode, Vectors.embeddingType(body.embeddingType()), modality,
                subtype, from, to, candidates);
    }

    private static SearchMode mode(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "hybrid" -> SearchMode.HYBRID;
            case "exact" -> SearchMode.EXACT;
            default -> throw new IllegalArgumentException("unknown mode '" + text + "' (expected hybrid or exact)");
        };
    }
}
