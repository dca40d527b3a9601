package io.hartonomous.api.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.api.config.ApiConfig;
import io.hartonomous.api.support.Params;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.inference.InferenceReceipt;
import io.hartonomous.storage.contract.inference.InferenceRecord;
import io.hartonomous.storage.contract.inference.InferenceStore;
import io.hartonomous.storage.contract.inference.NewInference;
import io.hartonomous.storage.contract.models.Model;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Runs a stored model under an inference record, for POST /api/models/{id}/run and for the model steps of reasoning
 * chains alike: reassembled from the storage tier as of a time (cached per weight version), its inputs checked
 * against what it declares, then run by ONNX Runtime (a LLaMA GGUF: by {@link LlamaRun}). Mistakes in the request
 * are answered before the record is begun (no record); a run that fails leaves a FAILED record and nothing else.
 */
@ApplicationScoped
public class ModelRuns {
    private final ObjectMapper json;
    private final ApiConfig config;
    private final SessionCache cache;
    private final ModelLoader loader;

    ModelRuns(ObjectMapper json, ApiConfig config, SessionCache cache, ModelLoader loader) {
        this.json = json;
        this.config = config;
        this.cache = cache;
        this.loader = loader;
    }

    /** A finished run: its record (SUCCEEDED), the weight version it read, its outputs, and the session cache's say. */
    public record Ran(InferenceRecord record, long modelId, String weightVersion,
                      Map<String, InferenceViews.TensorView> outputs, boolean cacheHit) {
    }

    /**
     * Runs model {@code modelId} on {@code body}, its record a child of {@code parentInferenceId} (a reasoning run of
     * the tenant, or null); {@code units} is told the units the run is metered for once its record is begun.
     */
    public Ran run(TenantStorage reads, InferenceStore records, long modelId, InferenceViews.RunBody body,
                   Long parentInferenceId, LongConsumer units) {
        if (body == null || body.inputs() == null) {
            throw new IllegalArgumentException("a JSON body {inputs: {<name>: {dtype, shape, data} | {atom, ...} | "
                    + "{tensor: {model, name}}}, asOf?} is required");
        }
        Instant asOf = body.asOf() == null ? Instant.now() : Params.instant("asOf", body.asOf());
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
                LlamaRun run = LlamaRun.of(loaded.llama(), body.inputs(), body.generate());
                InferenceReceipt receipt = new InferenceReceipt(model.parentAtomId(), version.toString(), List.of(),
                        RunResource.inputSha256(List.of(run.fed())), loaded.tensors());
                return record(records, new NewInference(model.modelId(), run.operation(), asOf, run.units(), receipt,
                        parentInferenceId), units, version, lease, () -> Outputs.of(run.run(), json));
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
                    RunResource.inputSha256(fed), loaded.tensors());
            return record(records, new NewInference(modelId, RunResource.OPERATION, asOf, inputs.elements(), receipt,
                    parentInferenceId), units, version, lease, () -> run(session, fed));
        }
    }

    @FunctionalInterface
    private interface Execution {
        Outputs run() throws OrtException;
    }

    private static Ran record(InferenceStore records, NewInference run, LongConsumer units, Instant version,
                              SessionCache.Lease lease, Execution execution) {
        InferenceRecord record = records.begin(run);
        units.accept(run.units());
        long started = System.nanoTime();
        Outputs outputs;
        try {
            outputs = execution.run();
        } catch (OrtException | RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            records.fail(record.inferenceId(), elapsedMs(started), message);
            throw new UnprocessableException("inference " + record.inferenceId() + " failed: " + message, e);
        }
        InferenceRecord done = records.succeed(record.inferenceId(), elapsedMs(started), outputs.summaryJson(),
                List.of());
        return new Ran(done, run.modelId(), version.toString(), outputs.tensors(), lease.hit());
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

    private static long elapsedMs(long startedNanos) {
        return Math.max(0, (System.nanoTime() - startedNanos) / 1_000_000);
    }
}
