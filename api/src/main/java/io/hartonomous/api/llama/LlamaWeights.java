package io.hartonomous.api.llama;

import io.hartonomous.storage.contract.inference.ReceiptTensor;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.ModelStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every weight of a LLaMA model as float32, read from the stored tensors (standard GGUF names). Matrices are
 * row-major with shape (out, in) as {@link ModelLayer#shape()} states it outermost-first (GGUF's ne[0] is the
 * innermost, the input dimension), so a projection is {@code y = W x}. Without {@code output.weight} the output
 * projection is tied to the token embedding, as llama.cpp does.
 */
public record LlamaWeights(float[] tokenEmbedding, List<Block> blocks, float[] outputNorm, float[] output) {
    /** One transformer block's weights. */
    public record Block(float[] attnNorm, float[] wq, float[] wk, float[] wv, float[] wo, float[] ffnNorm,
                        float[] gate, float[] up, float[] down) {
    }

    public LlamaWeights {
        blocks = List.copyOf(blocks);
    }

    /** Reads every tensor the config needs, checking each one's shape first (nothing is read when one is wrong). */
    public static LlamaWeights load(ModelStore store, long modelId, Instant asOf, LlamaConfig c,
                                    List<ModelLayer> layers) {
        return load(store, modelId, asOf, c, layers, r -> { });
    }

    /** As {@link #load(ModelStore, long, Instant, LlamaConfig, List)}; {@code receipt} gets every tensor read. */
    public static LlamaWeights load(ModelStore store, long modelId, Instant asOf, LlamaConfig c,
                                    List<ModelLayer> layers, Consumer<ReceiptTensor> receipt) {
        Map<String, ModelLayer> byName = layers.stream()
                .collect(Collectors.toMap(ModelLayer::name, Function.identity(), (a, b) -> a));
        int q = c.heads() * c.headDim();
        List<Need> needs = new ArrayList<>();
        needs.add(new Need("token_embd.weight", c.vocabSize(), c.dim()));
        for (int b = 0; b < c.blocks(); b++) {
            String p = "blk." + b + ".";
            needs.add(new Need(p + "attn_norm.weight", c.dim()));
            needs.add(new Need(p + "attn_q.weight", q, c.dim()));
            needs.add(new Need(p + "attn_k.weight", c.kvDim(), c.dim()));
            needs.add(new Need(p + "attn_v.weight", c.kvDim(), c.dim()));
            needs.add(new Need(p + "attn_output.weight", c.dim(), q));
            needs.add(new Need(p + "ffn_norm.weight", c.dim()));
            needs.add(new Need(p + "ffn_gate.weight", c.ffn(), c.dim()));
            needs.add(new Need(p + "ffn_up.weight", c.ffn(), c.dim()));
            needs.add(new Need(p + "ffn_down.weight", c.dim(), c.ffn()));
        }
        needs.add(new Need("output_norm.weight", c.dim()));
        boolean tied = !byName.containsKey("output.weight");
        if (!tied) {
            needs.add(new Need("output.weight", c.vocabSize(), c.dim()));
        }
        for (Need need : needs) {
            need.check(byName.get(need.name));
        }
        Function<String, float[]> read = name -> StoredTensors.read(store, modelId, byName.get(name), asOf,
                receipt);
        float[] embedding = read.apply("token_embd.weight");
        List<Block> blocks = new ArrayList<>();
        for (int b = 0; b < c.blocks(); b++) {
            String p = "blk." + b + ".";
            blocks.add(new Block(read.apply(p + "attn_norm.weight"), read.apply(p + "attn_q.weight"),
                    read.apply(p + "attn_k.weight"), read.apply(p + "attn_v.weight"),
                    read.apply(p + "attn_output.weight"), read.apply(p + "ffn_norm.weight"),
                    read.apply(p + "ffn_gate.weight"), read.apply(p + "ffn_up.weight"),
                    read.apply(p + "ffn_down.weight")));
        }
        return new LlamaWeights(embedding, blocks, read.apply("output_norm.weight"),
                tied ? embedding : read.apply("output.weight"));
    }

    /** A tensor the forward pass needs, with its shape outermost-first. */
    private record Need(String name, long... shape) {
        void check(ModelLayer layer) {
            if (layer == null) {
                throw LlamaConfig.notRunnable("it has no tensor " + name);
            }
            if (!layer.shape().equals(java.util.Arrays.stream(shape).boxed().toList())) {
                throw LlamaConfig.notRunnable("tensor " + name + " has shape " + layer.shape() + ", the config needs "
                        + java.util.Arrays.toString(shape));
            }
        }
    }
}
