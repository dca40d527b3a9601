package io.hartonomous.storage.contract.models;

import java.util.List;

/**
 * A model and its tensor table, registered when a model ingest starts (layer model ids are ignored). {@code name} is
 * the model's own name (GGUF {@code general.name}, the ONNX graph's, safetensors {@code __metadata__.name}), or null
 * when the file names none: {@link #namedIfUnnamed} then gives it the upload's name. {@code structure} is what running
 * the model needs besides its tensors (for ONNX the ModelProto with the stored tensors' data left out), or null when
 * the format has none the substrate can run (safetensors, GGUF for now).
 */
public record NewModel(String name, String format, String metadataJson, List<ModelLayer> layers, byte[] structure) {
    public NewModel {
        layers = List.copyOf(layers);
    }

    /** A model without a runnable structure. */
    public NewModel(String name, String format, String metadataJson, List<ModelLayer> layers) {
        this(name, format, metadataJson, layers, null);
    }

    /** The longest model name the engines store. */
    public static final int MAX_NAME = 256;

    /** What every engine's registerModel accepts: a model with a name of 1-{@value #MAX_NAME} characters. */
    public NewModel requireNamed() {
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
            throw new IllegalArgumentException("a model needs a name of 1-" + MAX_NAME
                    + " characters (the file's or the upload's)");
        }
        return this;
    }

    /** This model, or the same with {@code uploadName} when the file gave it no name of its own. */
    public NewModel namedIfUnnamed(String uploadName) {
        if (name != null && !name.isBlank()) {
            return this;
        }
        String named = uploadName.length() > MAX_NAME ? uploadName.substring(0, MAX_NAME) : uploadName;
        return new NewModel(named, format, metadataJson, layers, structure);
    }
}
