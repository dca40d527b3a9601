package io.hartonomous.api.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.api.config.ApiConfig;
import io.hartonomous.api.security.Metered;
import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.support.Params;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.inference.InferenceReceipt;
import io.hartonomous.storage.contract.inference.InferenceRecord;
import io.hartonomous.storage.contract.inference.InferenceStore;
import io.hartonomous.storage.contract.inference.NewInference;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.models.Model;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a stored model: reassembled from the storage tier as of a time (cached per weight version), its inputs checked
 * against what it declares, then run by ONNX Runtime (a LLaMA GGUF: by {@link LlamaRun}) under an inference record.
 * Mistakes in the request are answered before the record is begun (no record); a run that fails leaves a FAILED record and nothing else.
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
    ObjectMapper json;
    @Inject
    ApiConfig config;
    @Inject
    SessionCache cache;
    @Inject
    ModelLoader loader;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RequiresScope(Scope.QUERY)
    @Metered("models.run")
    @Operation(summary = "Run the model on the given inputs (inline, atoms, or another model's tensors), now or asOf")
    public Response run(@PathParam("id") String id, InferenceViews.RunBody body) {
        long modelId = Params.id("model id", id);
        if (body == null || body.inputs() == null) {
            throw new IllegalArgumentException("a JSON body {inputs: {<name>: {dtype, shape, data} | {atom, ...} | "
                    + "{tensor: {model, name}}}, asOf?} is required");
        }
        Instant asOf = body.asOf() == null ? Instant.now() : Params.instant("asOf", body.asOf());
        TenantStorage reads = caller.reads();
        Model model = reads.models().byId(modelId)
                .orElseThrow(() -> new NotFoundException("model " + modelId + " not found"));
        if (asOf.isBefore(model.createdAt())) {
            throw new NotFoundException("model " + modelId + " did not exist yet at " + asOf + " (created "
                    + model.createdAt() + ")");
        }
        Instant version = reads.models().weightVersion(modelId, asOf);
        try (SessionCache.Lease lease = cache.acquire(new SessionCache.Key(modelId, version),
                () -> loader.load(reads.models(), model, asOf))) {
            LoadedModel loaded = lease.model();
            if (loaded.llama() != null) {
                return runLlama(model, asOf, version, lease, LlamaRun.of(loaded.llama(), body.inputs(),
                        body.generate()));
            }
            if (body.generate() != null && body.generate() != 0) {
                throw new IllegalArgumentException("'generate' is for LLaMA models; model " + modelId + " is "
                        + model.format());
            }
            OrtSession session = loaded.session();
            RunInputs inputs = new RunInputs(reads, json, config.api().contentPageRows(),
                    config.inference().maxInputElements(), asOf);
            List<FedTensor> fed = inputs.read(body.inputs(), loaded.inputs());
            List<Long> atoms = new ArrayList<>();
            fed.stream().filter(f -> f.atomId() != null).forEach(f -> atoms.add(f.atomId()));
            InferenceReceipt receipt = new InferenceReceipt(model.parentAtomId(), version.toString(), atoms,
                    inputSha256(fed), loaded.tensors());
            InferenceStore records = caller.writes().inference();
            InferenceRecord record = records.begin(new NewInference(modelId, OPERATION, asOf, inputs.elements(),
                    receipt));
            caller.units(inputs.elements());
            long started = System.nanoTime();
            Outputs outputs;
            try {
                outputs = run(session, fed);
            } catch (OrtException | RuntimeException e) {
                String message = e.getMessage() == null ? e.toString() : e.getMessage();
                records.fail(record.inferenceId(), elapsedMs(started), message);
                throw new UnprocessableException("inference " + record.inferenceId() + " failed: " + message, e);
            }
            records.succeed(record.inferenceId(), elapsedMs(started), outputs.summaryJson(), List.of());
            return Response.ok(new InferenceViews.RunResult(record.inferenceId(), modelId, version.toString(),
                    outputs.tensors())).header(CACHE_HEADER, lease.hit() ? "hit" : "miss").build();
        }
    }

    /** A LLaMA GGUF model on the substrate's forward pass, under an inference record like an ONNX run. */
    private Response runLlama(Model model, Instant asOf, Instant version, SessionCache.Lease lease, LlamaRun run) {
        InferenceReceipt receipt = new InferenceReceipt(model.parentAtomId(), version.toString(), List.of(),
                inputSha256(List.of(run.fed())), lease.model().tensors());
        InferenceStore records = caller.writes().inference();
        InferenceRecord record = records.begin(new NewInference(model.modelId(), run.operation(), asOf, run.units(),
                receipt));
        caller.units(run.units());
        long started = System.nanoTime();
        Outputs outputs;
        try {
            outputs = Outputs.of(run.run(), json);
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            records.fail(record.inferenceId(), elapsedMs(started), message);
            throw new UnprocessableException("inference " + record.inferenceId() + " failed: " + message, e);
        }
        records.succeed(record.inferenceId(), elapsedMs(started), outputs.summaryJson(), List.of());
        return Response.ok(new InferenceViews.RunResult(record.inferenceId(), model.modelId(), version.toString(),
                outputs.tensors())).header(CACHE_HEADER, lease.hit() ? "hit" : "miss").build();
    }

    private Outputs run(OrtSession session, List<FedTensor> fed) throws OrtException {
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (FedTensor f : fed) {
                ByteBuffer direct = ByteBuffer.allocateDirect(f.data().remaining()).order(ByteOrder.nativeOrder());
                direct.put(f.data().duplicate()).flip();
                tensors.put(f.name(), OnnxTensor.createTensor(loader.env(), direct, f.shape(),
                        TensorValues.javaType(f.dtype())));
            }
            try (OrtSession.Result result = session.run(tensors)) {
                return Outputs.of(result, json);
            }
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
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

    private static long elapsedMs(long startedNanos) {
        return Math.max(0, (System.nanoTime() - startedNanos) / 1_000_000);
    }
}
