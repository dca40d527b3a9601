package io.hartonomous.api.llama;

import io.hartonomous.kernels.MatrixKernels;

/**
 * The LLaMA forward pass, one token at a time with a KV cache, in float32 over {@link LlamaWeights}; the matrix work
 * runs on the {@link MatrixKernels} (Vector API). Conventions are llama.cpp's for arch {@code llama}:
 * <ul>
 *   <li>pre-norm blocks: {@code x += Wo attn(RMSNorm(x))}, then {@code x += down(silu(gate(h)) * up(h))} with
 *       {@code h = RMSNorm(x)}; RMSNorm is {@code x / sqrt(mean(x^2) + eps) * w};</li>
 *   <li>RoPE in ggml's NORMAL mode on the weights as stored: within each head, the adjacent pair
 *       {@code (x[2i], x[2i+1])} rotates by {@code pos * freq_base^(-2i / rope_dim)} for {@code 2i < rope_dim};</li>
 *   <li>heads are consecutive {@code head_dim} slices; query head {@code h} attends with kv head
 *       {@code h / (heads / kv_heads)} (grouped-query attention), scores scaled by {@code 1/sqrt(head_dim)},
 *       causal;</li>
 *   <li>logits = {@code output · RMSNorm(x)} (output_norm).</li>
 * </ul>
 * Thread-safe: the weights are only read; each {@link Session} owns its cache and scratch buffers.
 */
public final class LlamaForward {
    private final LlamaConfig c;
    private final LlamaWeights w;
    /** cos and sin of pos * theta_i, [pos][i] flattened, i < ropeDim / 2; computed in double once. */
    private final float[] cos;
    private final float[] sin;

    public LlamaForward(LlamaConfig config, LlamaWeights weights) {
        this.c = config;
        this.w = weights;
        int half = c.ropeDim() / 2;
        this.cos = new float[c.contextLength() * half];
        this.sin = new float[c.contextLength() * half];
        for (int i = 0; i < half; i++) {
            double theta = Math.pow(c.ropeFreqBase(), -2.0 * i / c.ropeDim());
            for (int pos = 0; pos < c.contextLength(); pos++) {
                cos[pos * half + i] = (float) Math.cos(pos * theta);
                sin[pos * half + i] = (float) Math.sin(pos * theta);
            }
        }
    }

    public LlamaConfig config() {
        return c;
    }

    /** A fresh sequence: an empty KV cache of {@code contextLength} positions. */
    public Session session() {
        return new Session();
    }

    /** Logits {@code [tokens.length][vocab]}: position {@code i} predicts the token after {@code tokens[i]}. */
    public float[][] logits(int[] tokens) {
        checkLength(tokens.length, "the sequence");
        Session s = session();
        float[][] out = new float[tokens.length][];
        for (int i = 0; i < tokens.length; i++) {
            out[i] = s.next(tokens[i]);
        }
        return out;
    }

    /**
     * Greedy decoding: feeds the prompt, then appends the most likely token (the lowest id on a tie) {@code newTokens}
     * times. Returns only the new tokens.
     */
    public int[] generate(int[] prompt, int newTokens) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt needs at least one token");
        }
        if (newTokens < 0) {
            throw new IllegalArgumentException("newTokens cannot be negative, got " + newTokens);
        }
        // the last generated token is never fed back, so the cache holds prompt + newTokens - 1 positions
        checkLength((long) prompt.length + Math.max(newTokens, 1) - 1, "the prompt plus the new tokens");
        int[] out = new int[newTokens];
        if (newTokens == 0) {
            return out;
        }
        Session s = session();
        float[] logits = null;
        for (int t : prompt) {
            logits = s.next(t);
        }
        for (int i = 0; i < newTokens; i++) {
            out[i] = argmax(logits);
            if (i + 1 < newTokens) {
                logits = s.next(out[i]);
            }
        }
        return out;
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private void checkLength(long length, String what) {
        if (length > c.contextLength()) {
            throw new IllegalArgumentException(what + " needs " + length + " positions; the model's context holds "
                    + c.contextLength());
        }
    }

    /** One sequence in progress: the KV cache of every block and the scratch buffers of a step. */
    public final class Session {
        private final float[][] keys = new float[c.blocks()][c.contextLength() * c.kvDim()];
        private final float[][] values = new float[c.blocks()][c.contextLength() * c.kvDim()];
        private final float[] x = new float[c.dim()];
        private final float[] xn = new float[c.dim()];
        private final float[] delta = new float[c.dim()];
        private final float[] q = new float[c.heads() * c.headDim()];
        private final float[] attended = new float[c.heads() * c.headDim()];
        private final float[] scores = new float[c.contextLength()];
        private final float[] gate = new float[c.ffn()];
        private final float[] up = new float[c.ffn()];
        private int position;

        private Session() {
        }

        /** Tokens fed so far. */
        public int position() {
            return position;
        }

        /** Feeds one token at the next position; returns the logits for the token after it. */
        public float[] next(int token) {
            if (token < 0 || token >= c.vocabSize()) {
                throw new IllegalArgumentException("token " + token + " is outside the vocabulary [0, "
                        + c.vocabSize() + ")");
            }
            if (position >= c.contextLength()) {
                throw new IllegalArgumentException("the context is full (" + c.contextLength() + " positions)");
            }
            int pos = position;
            int dim = c.dim();
            int kvDim = c.kvDim();
            System.arraycopy(w.tokenEmbedding(), token * dim, x, 0, dim);
            for (int b = 0; b < c.blocks(); b++) {
                LlamaWeights.Block blk = w.blocks().get(b);
                float[] k = keys[b];
                float[] v = values[b];
                rmsNorm(x, blk.attnNorm(), xn);
                MatrixKernels.matVec(blk.wq(), q.length, dim, xn, q, 0);
                MatrixKernels.matVec(blk.wk(), kvDim, dim, xn, k, pos * kvDim);
                MatrixKernels.matVec(blk.wv(), kvDim, dim, xn, v, pos * kvDim);
                rope(q, 0, c.heads(), pos);
                rope(k, pos * kvDim, c.kvHeads(), pos);
                attend(k, v, pos);
                MatrixKernels.matVec(blk.wo(), dim, attended.length, attended, delta, 0);
                add(x, delta);
                rmsNorm(x, blk.ffnNorm(), xn);
                MatrixKernels.matVec(blk.gate(), c.ffn(), dim, xn, gate, 0);
                MatrixKernels.matVec(blk.up(), c.ffn(), dim, xn, up, 0);
                for (int i = 0; i < gate.length; i++) {
                    float g = gate[i];
                    gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
                }
                MatrixKernels.matVec(blk.down(), dim, c.ffn(), gate, delta, 0);
                add(x, delta);
            }
            rmsNorm(x, w.outputNorm(), xn);
            float[] logits = new float[c.vocabSize()];
            MatrixKernels.matVec(w.output(), c.vocabSize(), dim, xn, logits, 0);
            position++;
            return logits;
        }

        /** Causal grouped-query attention of every query head over positions 0..pos into {@code attended}. */
        private void attend(float[] k, float[] v, int pos) {
            int hd = c.headDim();
            int kvDim = c.kvDim();
            int group = c.heads() / c.kvHeads();
            float scale = (float) (1.0 / Math.sqrt(hd));
            java.util.Arrays.fill(attended, 0f);
            for (int h = 0; h < c.heads(); h++) {
                int kvOffset = (h / group) * hd;
                float max = Float.NEGATIVE_INFINITY;
                for (int t = 0; t <= pos; t++) {
                    float s = MatrixKernels.dot(q, h * hd, k, t * kvDim + kvOffset, hd) * scale;
                    scores[t] = s;
                    max = Math.max(max, s);
                }
                float sum = 0f;
                for (int t = 0; t <= pos; t++) {
                    float e = (float) Math.exp(scores[t] - max);
                    scores[t] = e;
                    sum += e;
                }
                for (int t = 0; t <= pos; t++) {
                    MatrixKernels.axpy(scores[t] / sum, v, t * kvDim + kvOffset, attended, h * hd, hd);
                }
            }
        }
    }

    /** RoPE, NORMAL mode: adjacent pairs of each of {@code heads} heads starting at {@code from}. */
    private void rope(float[] vec, int from, int heads, int pos) {
        int half = c.ropeDim() / 2;
        int hd = c.headDim();
        for (int h = 0; h < heads; h++) {
            int base = from + h * hd;
            for (int i = 0; i < half; i++) {
                float cs = cos[pos * half + i];
                float sn = sin[pos * half + i];
                float x0 = vec[base + 2 * i];
                float x1 = vec[base + 2 * i + 1];
                vec[base + 2 * i] = x0 * cs - x1 * sn;
                vec[base + 2 * i + 1] = x0 * sn + x1 * cs;
            }
        }
    }

    private void rmsNorm(float[] in, float[] weight, float[] out) {
        double squares = 0;
        for (float f : in) {
            squares += (double) f * f;
        }
        float inv = (float) (1.0 / Math.sqrt(squares / in.length + c.rmsEps()));
        for (int i = 0; i < in.length; i++) {
            out[i] = in[i] * inv * weight[i];
        }
    }

    private static void add(float[] acc, float[] delta) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += delta[i];
        }
    }
}
