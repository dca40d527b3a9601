package io.hartonomous.api.inference;

import io.hartonomous.api.security.Metered;
import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.support.Params;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.storage.contract.keys.Scope;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Runs a stored model under an inference record ({@link ModelRuns}, which reasoning chains' model steps share).
 */
@Path("/api/models/{id}/run")
@Tag(name = "inference")
public class RunResource {
    /** Response header: {@code hit} when the model's session was cached, {@code miss} when it was reassembled. */
    public static final String CACHE_HEADER = "X-Hart-Session-Cache";
    static final String OPERATION = "onnx.run";

    @Inject
    MeteredCaller caller;
    @Inject
    ModelRuns runs;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresScope(Scope.QUERY)
    @Metered("models.run")
    @Operation(summary = "Run the model on the given inputs (inline, atoms, or another model's tensors), now or asOf")
    public Response run(@PathParam("id") String id, InferenceViews.RunBody body) {
        long modelId = Params.id("model id", id);
        ModelRuns.Ran ran = runs.run(caller.reads(), caller.writes().inference(), modelId, body, null, caller::units);
        return Response.ok(new InferenceViews.RunResult(ran.record().inferenceId(), modelId, ran.weightVersion(),
                ran.outputs())).header(CACHE_HEADER, ran.cacheHit() ? "hit" : "miss").build();
    }

    /**
     * SHA-256 over the inputs as the model received them, in its declared order: per input its name (UTF-8), 0, its
     * element type's name, 0, its rank and dimensions (8 bytes little-endian each), then its values' bytes.
     */
    static String inputSha256(List<FedTensor> fed) {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        for (FedTensor f : fed) {
            d.update(f.name().getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(f.dtype().wireName().getBytes(StandardCharsets.US_ASCII));
            d.update((byte) 0);
            ByteBuffer dims = ByteBuffer.allocate(8 * (f.shape().length + 1)).order(ByteOrder.LITTLE_ENDIAN);
            dims.putLong(f.shape().length);
            for (long s : f.shape()) {
                dims.putLong(s);
            }
            d.update(dims.array());
            d.update(f.data().duplicate());
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
