package io.hartonomous.api.jobs;

import io.hartonomous.api.security.Metered;
import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.security.Operator;
import io.hartonomous.api.support.Params;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.edge.storage.Writes;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.keys.Scope;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Progress of the API's background jobs (file deletions); another tenant's job is a 404, as if it did not exist. */
@Path("/api/jobs")
@Tag(name = "jobs")
@RequiresScope(Scope.QUERY)
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {
    @Inject
    MeteredCaller caller;
    @Inject
    @Writes
    StorageEngine storage;
    @Inject
    Operator operator;

    @GET
    @Path("/{id}")
    @Metered("jobs.get")
    @Operation(summary = "A background job: state, rows done of total, error")
    public JobView byId(@PathParam("id") String idText) {
        long id = Params.id("job id", idText);
        JobView job = storage.deletions().job(id).filter(j -> TenantChoice.maySee(caller, operator, j.tenantId()))
                .map(JobView::of).orElseThrow(() -> new NotFoundException("job " + id + " not found"));
        caller.units(1);
        return job;
    }
}
