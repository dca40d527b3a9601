package io.hartonomous.api.inference;

import com.fasterxml.jackson.databind.JsonNode;
import io.hartonomous.api.llama.LlamaModel;
import io.hartonomous.formats.onnx.OnnxDataType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A run of a LLaMA GGUF model on the substrate's own forward pass. Its one input is {@code tokens} (int64 or int32,
 * shape {@code [n]} or {@code [1, n]}, token ids: there is no tokenizer); it answers {@code logits} (float32
 * {@code [1, n, vocab]}, every position) and, when {@code generate} is k > 0, {@code tokens} (int64 {@code [1, k]},
 * greedy). Mistakes are IllegalArgumentExceptions naming what was wrong, raised before any record is begun.
 */
final class LlamaRun {
    static final String INPUT = "tokens";

    private final LlamaModel model;
    private final int[] tokens;
    private final int generate;

    private LlamaRun(LlamaModel model, int[] tokens, int generate) {
        this.model = model;
        this.tokens = tokens;
        this.generate = generate;
    }

    static LlamaRun of(LlamaModel model, Map<String, JsonNode> inputs, Integer generate) {
        if (inputs.size() != 1 || !inputs.containsKey(INPUT)) {
            throw new IllegalArgumentException("a LLaMA model takes exactly one input, '" + INPUT
                    + "' (token ids), got " + inputs.keySet());
        }
        JsonNode in = inputs.get(INPUT);
        String dtype = in.path("dtype").asText("");
        if (!dtype.equals("int64") && !dtype.equals("int32")) {
            throw new IllegalArgumentException("input 'tokens' must be int64 or int32 token ids, got dtype '" + dtype
                    + "'");
        }
        JsonNode data = in.path("data");
        JsonNode shape = in.path("shape");
        boolean vector = shape.isArray() && shape.size() == 1 && shape.get(0).asLong() == data.size();
        boolean row = shape.isArray() && shape.size() == 2 && shape.get(0).asLong() == 1
                && shape.get(1).asLong() == data.size();
        if (!data.isArray() || data.isEmpty() || !(vector || row)) {
            throw new IllegalArgumentException("input 'tokens' needs shape [n] or [1, n] and n >= 1 ids in 'data'");
        }
        int vocab = model.config().vocabSize();
        int[] ids = new int[data.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode v = data.get(i);
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0 || v.asInt() >= vocab) {
                throw new IllegalArgumentException("input 'tokens' value " + i + " (" + v + ") is not a token id in "
                        + "[0, " + vocab + ")");
            }
            ids[i] = v.asInt();
        }
        int k = generate == null ? 0 : generate;
        int context = model.config().contextLength();
        if (k < 0 || ids.length + k > context) {
            throw new IllegalArgumentException("'generate' must be 0 or more and tokens + generate at most the "
                    + "context length " + context + ", got " + ids.length + " + " + k);
        }
        return new LlamaRun(model, ids, k);
    }

    /** What was fed, as the receipt's input hash covers it: the token ids as int64. */
    FedTensor fed() {
        ByteBuffer b = ByteBuffer.allocate(8 * tokens.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int t : tokens) {
            b.putLong(t);
        }
        return new FedTensor(INPUT, OnnxDataType.INT64, new long[] {1, tokens.length}, b.flip(), null);
    }

    /** Metered units: the tokens read plus those generated. */
    long units() {
        return tokens.length + (long) generate;
    }

    String operation() {
        return generate > 0 ? "llama.generate" : "llama.logits";
    }

    List<Outputs.Computed> run() {
        float[][] logits = model.logits(tokens);
        int vocab = model.config().vocabSize();
        ByteBuffer l = ByteBuffer.allocate(4 * tokens.length * vocab).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] position : logits) {
            for (float v : position) {
                l.putFloat(v);
            }
        }
        List<Outputs.Computed> out = new ArrayList<>();
        out.add(new Outputs.Computed("logits", OnnxDataType.FLOAT, new long[] {1, tokens.length, vocab}, l.array()));
        if (generate > 0) {
            int[] next = model.generate(tokens, generate);
            ByteBuffer t = ByteBuffer.allocate(8 * next.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int id : next) {
                t.putLong(id);
            }
            out.add(new Outputs.Computed("tokens", OnnxDataType.INT64, new long[] {1, next.length}, t.array()));
        }
        return out;
    }
}
