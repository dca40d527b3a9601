package io.hartonomous.api.reasoning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.api.security.Metered;
import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.edge.problem.Problem;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.inference.InferenceRecord;
import io.hartonomous.storage.contract.inference.InferenceStore;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.reasoning.GenerationRequest;
import io.hartonomous.storage.contract.reasoning.GenerationResult;
import io.hartonomous.storage.contract.reasoning.GenerationStep;
import io.hartonomous.storage.contract.reasoning.ReasoningStore;
import io.hartonomous.storage.contract.vectors.Metric;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Attention generation (the seed's sp_GenerateWithAttention): per step the hybrid-search top k of the current
 * context, softmax(similarity / temperature), a seeded Park–Miller draw, the context moved to the attention-weighted
 * mean. {@code Accept: text/event-stream} streams each step as a server-sent event ({@code event: step}) as it is
 * drawn, then {@code event: done} with the record's id. Every run is an inference record (operation
 * {@code reasoning.generate}) with every candidate of every step as its evidence.
 */
@Path("/api/inference/generate")
@Tag(name = "inference")
@RequiresScope(Scope.QUERY)
@Consumes(MediaType.APPLICATION_JSON)
public class GenerateResource {
    static final int DEFAULT_STEPS = 10;
    static final int DEFAULT_K = 10;

    @Inject
    MeteredCaller caller;
    @Inject
    ObjectMapper json;

    /**
     * JSON unless the caller asks for {@code text/event-stream} (decided here, not by content negotiation, so a
     * client that accepts anything gets JSON).
     */
    @POST
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Metered("inference.generate")
    @Operation(summary = "Generate an atom sequence by attention over the tenant's embeddings of a type; "
            + "Accept: text/event-stream streams one server-sent event per step, then 'done'")
    public Response generate(@HeaderParam(HttpHeaders.ACCEPT) String accept, ReasoningViews.GenerateBody body) {
        GenerationRequest request = toRequest(body);
        if (accept != null && accept.toLowerCase(Locale.ROOT).contains(MediaType.SERVER_SENT_EVENTS)) {
            return stream(request);
        }
        long started = System.nanoTime();
        GenerationResult result = caller.reads().reasoning().generate(request);
        InferenceRecord record = ReasoningRuns.generation(caller.writes().inference(), json, null, request.contextAtom(),
                result, (System.nanoTime() - started) / 1_000_000, parameters(request));
        caller.units(result.steps().size());
        caller.grounding("approximate");
        return Response.ok(new ReasoningViews.GenerateAnswer(record.inferenceId(), request.embeddingType(),
                request.metric().name().toLowerCase(Locale.ROOT), request.temperature(), request.seed(),
                result.atoms(), result.steps().stream().map(ReasoningViews.StepView::of).toList()),
                MediaType.APPLICATION_JSON_TYPE).build();
    }

    private Response stream(GenerationRequest request) {
        TenantStorage reads = caller.reads();
        // Checked before the first byte, so an unknown type or atom is a 400 / 404 problem, not a broken stream.
        precheck(reads, request);
        ReasoningStore reasoning = reads.reasoning();
        InferenceStore records = caller.writes().inference();
        caller.grounding("approximate");
        MeteredCaller.UsageHandle usage = caller.deferUsage();
        StreamingOutput out = sink -> {
            long started = System.nanoTime();
            int[] steps = {0};
            try {
                GenerationResult result = reasoning.generate(request, step -> {
                    event(sink, "step", ReasoningViews.StepView.of(step));
                    steps[0]++;
                });
                InferenceRecord record = ReasoningRuns.generation(records, json, null, request.contextAtom(), result,
                        (System.nanoTime() - started) / 1_000_000, parameters(request));
                event(sink, "done", new ReasoningViews.GenerateDone(record.inferenceId(), result.atoms()));
            } catch (RuntimeException e) {
                // The status line is sent: the failure becomes the stream's last event, as a problem.
                event(sink, "error", Problem.of(500, "Internal Server Error", String.valueOf(e.getMessage()), null));
            } finally {
                usage.record(steps[0]);
            }
        };
        return Response.ok(out, MediaType.SERVER_SENT_EVENTS_TYPE).header("Cache-Control", "no-cache").build();
    }

    private void event(OutputStream sink, String name, Object data) {
        try {
            sink.write(("event: " + name + "\ndata: " + json.writeValueAsString(data) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            sink.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The store's own checks (type visible, context atom with an embedding of it), run as a one-step, one-candidate
     * generation: it refuses exactly what the streamed run would, before the status line is sent.
     */
    private static void precheck(TenantStorage t, GenerationRequest r) {
        t.reasoning().generate(new GenerationRequest(r.context(), r.contextAtom(), r.embeddingType(), 1, 1,
                r.temperature(), r.seed(), r.metric()));
    }

    static GenerationRequest toRequest(ReasoningViews.GenerateBody body) {
        if (body == null) {
            throw new IllegalArgumentException("a JSON body {context, embeddingType, steps, k, temperature, seed} is "
                    + "required");
        }
        JsonNode context = body.context();
        float[] vector = null;
        Long atom = null;
        if (context == null || context.isNull()) {
            throw new IllegalArgumentException("context is required: an array of numbers or {\"atom\": id}");
        } else if (context.isArray()) {
            vector = ReasoningParams.vector(context);
        } else if (context.isObject() && context.path("atom").canConvertToLong()
                && context.path("atom").isIntegralNumber()) {
            atom = context.get("atom").asLong();
        } else {
            throw new IllegalArgumentException("context must be an array of numbers or {\"atom\": id}");
        }
        return new GenerationRequest(vector, atom, ReasoningParams.embeddingType(body.embeddingType()),
                body.steps() == null ? DEFAULT_STEPS : body.steps(), body.k() == null ? DEFAULT_K : body.k(),
                body.temperature() == null ? 1.0 : body.temperature(), body.seed() == null ? 0 : body.seed(),
                ReasoningParams.metric(body.metric(), Metric.COSINE));
    }

    static Map<String, Object> parameters(GenerationRequest r) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (r.contextAtom() != null) {
            p.put("contextAtom", r.contextAtom());
        }
        p.put("embeddingType", r.embeddingType());
        p.put("steps", r.steps());
        p.put("k", r.k());
        p.put("temperature", r.temperature());
        p.put("seed", r.seed());
        p.put("metric", r.metric().name().toLowerCase(Locale.ROOT));
        return p;
    }
}
