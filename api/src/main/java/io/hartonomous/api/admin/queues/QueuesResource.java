package io.hartonomous.api.admin.queues;

import io.hartonomous.api.security.Metered;
import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.security.Operator;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.edge.storage.Writes;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.operations.QueueStats;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** Every queue of the storage tier: depth, age of the oldest message, dead letters. */
@Path("/api/admin/queues")
@Tag(name = "admin")
@RequiresScope(Scope.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class QueuesResource {
    /** Why queues are the operator's: a dead provenance change may be any tenant's. */
    static final String ENGINE_WIDE = "queues and dead letters hold every tenant's messages";

    @Inject
    MeteredCaller caller;
    @Inject
    Operator operator;
    @Inject
    @Writes
    StorageEngine storage;

    @GET
    @Metered("admin.queues.list")
    @Operation(summary = "Every queue: depth, oldest message age in seconds, dead letters")
    public List<QueueStats> list() {
        operator.require(QueuesResource.ENGINE_WIDE);
        List<QueueStats> queues = storage.deadLetters().queues();
        caller.units(queues.size());
        return queues;
    }
}
