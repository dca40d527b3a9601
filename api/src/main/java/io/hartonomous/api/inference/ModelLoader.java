package io.hartonomous.api.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.api.config.ApiConfig;
import io.hartonomous.api.llama.LlamaModel;
import io.hartonomous.formats.onnx.OnnxFormatException;
import io.hartonomous.formats.onnx.OnnxStructure;
import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.inference.ReceiptTensor;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.ModelStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reassembles a model from the storage tier as of a time and hands it to ONNX Runtime: the size is checked against
 * the limit from the tensor table before anything is read, then the structure and each tensor the structure names are
 * read through the contract (the SHA-256 of each tensor's bytes is taken as it is read, for the receipts).
 */
@ApplicationScoped
class ModelLoader {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
    private final ApiConfig.Inference config;
    private final ObjectMapper json;

    ModelLoader(ApiConfig config, ObjectMapper json) {
        this.config = config.inference();
        this.json = json;
    }

    OrtEnvironment env() {
        return env;
    }

    /** The model's weights as of {@code asOf}; UnprocessableException if it is not runnable or too large. */
    LoadedModel load(ModelStore models, Model model, Instant asOf) {
        long modelId = model.modelId();
        if ("gguf".equalsIgnoreCase(model.format())) {
            return llama(models, model, asOf);
        }
        List<ModelLayer> layers = models.layers(modelId);
        long tensorBytes = 0;
        for (ModelLayer l : layers) {
            tensorBytes = Math.addExact(tensorBytes, Math.multiplyExact(l.elementCount(), width(l)));
        }
        requireWithinLimit(model, tensorBytes);
        Optional<byte[]> stored = models.structure(modelId);
        if (stored.isEmpty()) {
            throw new UnprocessableException("model " + modelId + " (" + model.format() + ") is not runnable: "
                    + notRunnableReason(model));
        }
        byte[] structure = stored.get();
        long bytes = tensorBytes + structure.length;
        requireWithinLimit(model, bytes);
        Map<String, ModelLayer> byName = layers.stream()
                .collect(Collectors.toMap(ModelLayer::name, Function.identity(), (a, b) -> a));
        List<ReceiptTensor> receipt = new ArrayList<>();
        byte[] onnx;
        try {
            onnx = OnnxStructure.reassemble(structure, name -> read(models, model, byName.get(name), name, asOf,
                    receipt));
        } catch (OnnxFormatException e) {
            throw new UnprocessableException("model " + modelId + "'s stored structure cannot be read: "
                    + e.getMessage(), e);
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(config.intraOpThreads());
            OrtSession session = env.createSession(onnx, options);
            return LoadedModel.runnable(session, receipt, bytes);
        } catch (OrtException e) {
            return LoadedModel.refused("ONNX Runtime cannot load model " + modelId + ": " + e.getMessage(), bytes);
        }
    }

    /** A GGUF model: LLaMA-family ones run on the substrate's own forward pass, others are not runnable. */
    private LoadedModel llama(ModelStore models, Model model, Instant asOf) {
        try {
            LlamaModel llama = LlamaModel.load(models, model.modelId(), asOf, config.maxModelBytes());
            long bytes = 4 * llama.tensors().stream().mapToLong(ReceiptTensor::elementCount).sum();
            return LoadedModel.llama(llama, bytes);
        } catch (IllegalArgumentException e) {
            throw new UnprocessableException("model " + model.modelId() + " (gguf) is not runnable: "
                    + e.getMessage(), e);
        }
    }

    private byte[] read(ModelStore models, Model model, ModelLayer layer, String name, Instant asOf,
                        List<ReceiptTensor> receipt) {
        if (layer == null) {
            throw new ConflictException("model " + model.modelId() + "'s structure names tensor '" + name
                    + "', which the model does not store");
        }
        byte[] values = models.tensorBytes(model.modelId(), layer.layerIdx(), asOf);
        long expected = layer.elementCount() * width(layer);
        if (values.length != expected) {
            throw new ConflictException("model " + model.modelId() + "'s tensor '" + name + "' has " + values.length
                    + " bytes as of " + asOf + " but " + layer.elementCount() + " values of " + layer.storedAs()
                    + " need " + expected + " (is the model still being ingested?)");
        }
        receipt.add(new ReceiptTensor(layer.layerIdx(), layer.name(), layer.elementCount(), sha256(values)));
        return values;
    }

    private void requireWithinLimit(Model model, long bytes) {
        if (bytes > config.maxModelBytes()) {
            throw new UnprocessableException("model " + model.modelId() + " needs " + bytes + " bytes (tensors and "
                    + "structure), more than the limit of " + config.maxModelBytes()
                    + " bytes (hart.inference.max-model-bytes)");
        }
    }

    private String notRunnableReason(Model model) {
        try {
            JsonNode meta = model.metadataJson() == null ? null : json.readTree(model.metadataJson());
            if (meta != null && meta.path("notRunnableReason").isTextual()) {
                return meta.get("notRunnableReason").asText();
            }
        } catch (IOException e) {
            // metadata that is not JSON says nothing about why
        }
        return "its format keeps no graph the substrate can run";
    }

    private static int width(ModelLayer layer) {
        return AtomType.of(Modality.MODEL, layer.storedAs()).valueBytes();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
