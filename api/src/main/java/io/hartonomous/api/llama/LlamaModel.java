package io.hartonomous.api.llama;

import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.ModelStore;

import io.hartonomous.storage.contract.inference.ReceiptTensor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A LLaMA-architecture GGUF model loaded from the storage tier: its config from the stored metadata, every weight read
 * through {@link ModelStore#tensor} as of a point in time, ready to run. Inputs and outputs are token ids (there is
 * no tokenizer). Memory: all weights as float32 plus, per running sequence, a KV cache of
 * {@code 2 x blocks x contextLength x kvDim} floats.
 *
 * <pre>{@code
 * LlamaModel m = LlamaModel.load(caller.reads().models(), modelId, asOf, maxBytes);
 * float[][] logits = m.logits(new int[] {1, 17, 42});   // [3][vocab]
 * int[] next = m.generate(new int[] {1, 17, 42}, 8);     // 8 greedy tokens
 * }</pre>
 */
public final class LlamaModel {
    private final long modelId;
    private final Instant asOf;
    private final LlamaForward forward;
    private final List<ReceiptTensor> tensors;

    private LlamaModel(long modelId, Instant asOf, LlamaForward forward, List<ReceiptTensor> tensors) {
        this.modelId = modelId;
        this.asOf = asOf;
        this.forward = forward;
        this.tensors = List.copyOf(tensors);
    }

    /** Loads without a memory limit; see {@link #load(ModelStore, long, Instant, long)}. */
    public static LlamaModel load(ModelStore store, long modelId, Instant asOf) {
        return load(store, modelId, asOf, Long.MAX_VALUE);
    }

    /**
     * Loads the model's weights as they were at {@code asOf} (null: now). Throws {@link NotFoundException} when the
     * model does not exist or is not visible, and {@link IllegalArgumentException} saying why when it is not a LLaMA
     * GGUF this implementation runs, or when it needs more than {@code maxBytes} of memory (checked before any tensor
     * is read).
     */
    public static LlamaModel load(ModelStore store, long modelId, Instant asOf, long maxBytes) {
        Model model = store.byId(modelId).orElseThrow(() -> new NotFoundException("model " + modelId
                + " does not exist"));
        List<ModelLayer> layers = store.layers(modelId);
        LlamaConfig config = LlamaConfig.of(model.metadataJson(), layers);
        long needed = memoryBytes(config, layers);
        if (needed > maxBytes) {
            throw new IllegalArgumentException("model " + modelId + " needs " + needed + " bytes to run (weights as"
                    + " float32 and one KV cache), more than the limit of " + maxBytes);
        }
        List<ReceiptTensor> read = new ArrayList<>();
        LlamaWeights weights = LlamaWeights.load(store, modelId, asOf, config, layers, read::add);
        return new LlamaModel(modelId, asOf, new LlamaForward(config, weights), read);
    }

    /** Bytes a loaded model holds: every tensor as float32, plus one sequence's KV cache. */
    public static long memoryBytes(LlamaConfig config, List<ModelLayer> layers) {
        long weights = layers.stream().mapToLong(ModelLayer::elementCount).sum();
        long cache = 2L * config.blocks() * config.contextLength() * config.kvDim();
        return 4 * (weights + cache);
    }

    public long modelId() {
        return modelId;
    }

    /** The point in time the weights were read as of; null for "now" at load time. */
    public Instant asOf() {
        return asOf;
    }

    /** Every tensor the weights were read from, with the SHA-256 of its stored values: a run's receipt. */
    public List<ReceiptTensor> tensors() {
        return tensors;
    }

    public LlamaConfig config() {
        return forward.config();
    }

    /** The forward pass, for callers that feed tokens one at a time ({@link LlamaForward#session()}). */
    public LlamaForward forward() {
        return forward;
    }

    /** Logits {@code [tokens.length][vocab]} for every position of the sequence. */
    public float[][] logits(int[] tokens) {
        return forward.logits(tokens);
    }

    /** {@code newTokens} greedy (argmax) tokens after the prompt. */
    public int[] generate(int[] prompt, int newTokens) {
        return forward.generate(prompt, newTokens);
    }
}
