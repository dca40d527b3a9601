package io.hartonomous.api.admin.queues;

import io.hartonomous.api.security.Metered;
import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.security.Operator;
import io.hartonomous.api.support.Params;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.edge.storage.Writes;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.operations.DeadLetter;
import io.hartonomous.storage.contract.operations.DeadLetters;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.function.LongPredicate;

/**
 * Messages that failed too often and were parked so their queues keep flowing: list them, put one back on its queue
 * (retry: its delivery count starts again) or delete it (discard). Unknown ids are 404.
 */
@Path("/api/admin/dead-letters")
@Tag(name = "admin")
@RequiresScope(Scope.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class DeadLettersResource {
    @Inject
    MeteredCaller caller;
    @Inject
    Operator operator;
    @Inject
    @Writes
    StorageEngine storage;

    /** What happened to a dead letter. */
    public record Outcome(long id, String queue, String outcome) {
    }

    @GET
    @Metered("admin.dead-letters.list")
    @Operation(summary = "Dead letters, oldest first; ?queue= for one queue, ?limit= (1-1000, default 100)")
    public List<DeadLetter> list(@QueryParam("queue") String queue, @QueryParam("limit") String limitText) {
        operator.require(QueuesResource.ENGINE_WIDE);
        int limit = (int) Params.bounded("limit", limitText, 100, 1, DeadLetters.MAX_LIST);
        List<DeadLetter> letters = storage.deadLetters().list(queue, limit);
        caller.units(letters.size());
        return letters;
    }

    @GET
    @Path("/{id}")
    @Metered("admin.dead-letters.get")
    @Operation(summary = "One dead letter")
    public DeadLetter get(@PathParam("id") String idText) {
        operator.require(QueuesResource.ENGINE_WIDE);
        return found(Params.id("dead letter id", idText));
    }

    @POST
    @Path("/{id}/retry")
    @Metered("admin.dead-letters.retry")
    @Operation(summary = "Put a dead letter back on its queue (delivery count reset)")
    public Outcome retry(@PathParam("id") String idText) {
        return settle(idText, storage.deadLetters()::retry, "retried");
    }

    @POST
    @Path("/{id}/discard")
    @Metered("admin.dead-letters.discard")
    @Operation(summary = "Delete a dead letter")
    public Outcome discard(@PathParam("id") String idText) {
        return settle(idText, storage.deadLetters()::discard, "discarded");
    }

    /** Retry and discard alike: find the letter (404), act, 404 when it went meanwhile. */
    private Outcome settle(String idText, LongPredicate action, String outcome) {
        operator.require(QueuesResource.ENGINE_WIDE);
        DeadLetter letter = found(Params.id("dead letter id", idText));
        if (!action.test(letter.id())) {
            throw gone(letter.id());
        }
        caller.units(1);
        return new Outcome(letter.id(), letter.queue(), outcome);
    }

    private DeadLetter found(long id) {
        return storage.deadLetters().find(id).orElseThrow(() -> gone(id));
    }

    private static NotFoundException gone(long id) {
        return new NotFoundException("dead letter " + id + " not found");
    }
}
