package io.hartonomous.api.search;

import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.security.Metered;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.api.support.Params;
import io.hartonomous.storage.contract.vectors.AtomEmbedding;
import io.hartonomous.storage.contract.vectors.NewEmbedding;
import io.hartonomous.storage.contract.keys.Scope;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;

/**
 * Embeddings of an atom. Client-supplied ones (PUT) are visible to the caller's tenant only and replace that
 * tenant's previous embedding of the same type; built-in ones (computed at ingest) are visible wherever the atom is.
 */
@Path("/api/atoms/{id}/embeddings")
@Tag(name = "search")
@Produces(MediaType.APPLICATION_JSON)
public class EmbeddingsResource {
    @Inject
    MeteredCaller caller;

    public record EmbeddingBody(String embeddingType, float[] vector) {
    }

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record EmbeddingView(long atomId, String embeddingType, int dimension, boolean builtIn,
                                double projectionX, double projectionY, Instant createdAt, float[] vector) {
        static EmbeddingView of(AtomEmbedding e, boolean withVector) {
            return new EmbeddingView(e.atomId(), e.embeddingType(), e.dimension(), e.tenantId() == null,
                    e.projectionX(), e.projectionY(), e.createdAt(), withVector ? e.vector() : null);
        }
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresScope(Scope.INGEST)
    @Metered("embeddings.put")
    @Operation(summary = "Store the caller's own embedding of an atom (1-1998 numbers)")
    public EmbeddingView put(@PathParam("id") String id, EmbeddingBody body) {
        long atomId = Params.id("atom id", id);
        if (body == null) {
            throw new IllegalArgumentException("a JSON body {embeddingType, vector} is required");
        }
        String type = Vectors.embeddingType(body.embeddingType());
        if (type == null) {
            throw new IllegalArgumentException("embeddingType is required (1-64 characters)");
        }
        float[] vector = Vectors.require("vector", body.vector());
        AtomEmbedding stored = caller.writes().vectors().put(new NewEmbedding(atomId, type, vector, false));
        caller.units(1);
        return EmbeddingView.of(stored, false);
    }

    @GET
    @RequiresScope(Scope.QUERY)
    @Metered("embeddings.list")
    @Operation(summary = "Embeddings of an atom the caller may see (vectors with ?withVectors=true)")
    public List<EmbeddingView> list(@PathParam("id") String id, @QueryParam("withVectors") boolean withVectors) {
        long atomId = Params.id("atom id", id);
        List<EmbeddingView> list = caller.reads().vectors().embeddings(atomId).stream()
                .map(e -> EmbeddingView.of(e, withVectors)).toList();
        caller.units(list.size());
        return list;
    }
}
