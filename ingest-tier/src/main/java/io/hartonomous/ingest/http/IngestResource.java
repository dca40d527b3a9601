package io.hartonomous.ingest.http;

import io.hartonomous.edge.keys.Caller;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.ingest.detect.LimitExceededException;
import io.hartonomous.ingest.pipeline.IngestOutcome;
import io.hartonomous.ingest.pipeline.IngestPipeline;
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
 * 201 with the parent atom when done, 200 when the identical file was stored already, 202 + Location for large files.
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
        if (declaredLength != null && declaredLength > service.maxBytes()) {
            throw new LimitExceededException("the body declares " + declaredLength + " bytes, more than the limit of "
                    + service.maxBytes());
        }
        if (declaredLength != null && declaredLength == 0) {
            throw new IllegalArgumentException("the request body is empty: send the file's bytes as the body");
        }
        IngestPipeline.Prepared prepared = service.pipeline().prepare(caller.tenant(), modality, name, body);
        if (prepared.finished() != null) {
            IngestOutcome done = prepared.finished();
            return Response.status(done.deduplicated() ? Response.Status.OK : Response.Status.ACCEPTED)
                    .location(jobUri(done.jobId())).entity(IngestResult.of(done)).build();
        }
        if (service.runsInBackground(prepared.job().bytesTotal())) {
            service.runInBackground(prepared);
            return Response.accepted(JobView.of(prepared.job())).location(jobUri(prepared.job().jobId())).build();
        }
        IngestOutcome outcome = service.runNow(prepared);
        return Response.created(jobUri(outcome.jobId())).entity(IngestResult.of(outcome)).build();
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
