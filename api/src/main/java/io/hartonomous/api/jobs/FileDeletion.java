package io.hartonomous.api.jobs;

import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.security.Operator;
import io.hartonomous.edge.storage.Writes;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.deletion.DeletionJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import java.net.URI;

/**
 * {@code DELETE /api/atoms/{id}}: removes the acting tenant's ownership at once and, when nobody owns the file any
 * longer, hands the rest to the {@link DeletionRunner}. 202 with the job (its progress at {@code GET /api/jobs/{id}}).
 */
@ApplicationScoped
public class FileDeletion {
    @Inject
    @Writes
    StorageEngine storage;
    @Inject
    Operator operator;
    @Inject
    DeletionRunner runner;

    public Response delete(MeteredCaller caller, long fileAtomId, String tenant, String eraseText) {
        boolean erase = switch (eraseText == null ? "false" : eraseText.strip()) {
            case "true" -> true;
            case "false", "" -> false;
            default -> throw new IllegalArgumentException("erase must be true or false, got '" + eraseText + "'");
        };
        String acting = TenantChoice.actingTenant(caller, operator, tenant);
        DeletionJob job = storage.deletions().request(acting, fileAtomId, erase);
        if (!job.finished()) {
            runner.submit(job.jobId());
        }
        caller.units(1);
        return Response.accepted(JobView.of(job)).location(URI.create("/api/jobs/" + job.jobId())).build();
    }
}
