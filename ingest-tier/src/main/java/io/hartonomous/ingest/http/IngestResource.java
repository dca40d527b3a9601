package io.hartonomous.ingest.http;

import io.hartonomous.edge.keys.Caller;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.ingest.pipeline.IngestOutcome;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.keys.Scope;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * {@code POST /ingest/image|audio|model}: the raw file as the body, streamed to the spool (never buffered whole).
 * 201 with the parent atom when done, 200 when the identical file was stored already, 202 + Location for large files
 * (and for a file this tenant is ingesting right now). What happens is the service's; this maps it to HTTP.
 */
@Path("/ingest")
@RequiresScope(Scope.INGEST)
public final class IngestResource {
    private final IngestService service;
    private final StorageEngine storage;
    private final Caller caller;

    IngestResource(IngestService service, StorageEngine storage, Caller caller) {
        this.service = service;
        this.storage = storage;
        this.caller = caller;
    }

    /** The ingest result as JSON. */
    public record IngestResult(long jobId, long atomId, String contentHash, String modality, String state,
                               long distinctAtoms, long newAtoms, long compositions, boolean deduplicated,
                               List<IngestResult> children) {
        static IngestResult of(IngestOutcome o) {
            return new IngestResult(o.jobId(), o.atomId(), o.contentHash(), o.modality().wireName(),
                    o.state().name(), o.distinctAtoms(), o.newAtoms(), o.compositions(), o.deduplicated(),
                    o.children().stream().map(IngestResult::of).toList());
        }
    }

    /** A job's progress as JSON. */
    public record JobView(long jobId, String name, String modality, String state, long atomId, String contentHash,
                          int chunksCommitted, long bytesDone, long bytesTotal, long distinctAtoms, long newAtoms,
                          long compositions, String error, Instant createdAt, Instant updatedAt) {
        static JobView of(IngestionJob j) {
            return new JobView(j.jobId(), j.name(), j.modality().wireName(), j.state().name(), j.parentAtomId(),
                    j.contentHash().hex(), j.chunksCommitted(), j.bytesDone(), j.bytesTotal(), j.distinctAtoms(),
                    j.newAtoms(), j.compositions(), j.error(), j.createdAt(), j.updatedAt());
        }
    }

    @POST
    @Path("/{kind}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response ingest(@PathParam("kind") String kind, @QueryParam("name") String name,
                           @HeaderParam("Content-Length") Long declaredLength, InputStream body)
            throws IOException {
        Modality modality = switch (kind) {
            case "image" -> Modality.IMAGE;
            case "audio" -> Modality.AUDIO;
            case "model" -> Modality.MODEL;
            default -> throw new NotFoundException("no ingest endpoint '/ingest/" + kind
                    + "': use /ingest/image, /ingest/audio or /ingest/model");
        };
        return switch (service.submit(caller.tenant(), modality, name, declaredLength, body)) {
            case IngestService.Submitted.Ingested(IngestOutcome o) ->
                    Response.created(jobUri(o.jobId())).entity(IngestResult.of(o)).build();
            case IngestService.Submitted.Duplicate(IngestOutcome o) ->
                    Response.ok(IngestResult.of(o)).location(jobUri(o.jobId())).build();
            case IngestService.Submitted.InProgress(IngestOutcome o) ->
                    Response.accepted(IngestResult.of(o)).location(jobUri(o.jobId())).build();
            case IngestService.Submitted.Accepted(IngestionJob job) ->
                    Response.accepted(JobView.of(job)).location(jobUri(job.jobId())).build();
        };
    }

    @GET
    @Path("/jobs/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public JobView job(@PathParam("id") long id) {
        return storage.forTenant(caller.tenant()).ingest().job(id).map(JobView::of)
                .orElseThrow(() -> new NotFoundException("job " + id + " not found"));
    }

    private static URI jobUri(long jobId) {
        return URI.create("/ingest/jobs/" + jobId);
    }
}
