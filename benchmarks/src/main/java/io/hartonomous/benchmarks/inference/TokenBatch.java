package io.hartonomous.benchmarks.inference;

import java.util.Arrays;

/**
 * A tokenized sentence repeated {@code batch} times as the three inputs of a BERT-style encoder, shape
 * [batch, seq]: input_ids (the sentence's ids), attention_mask (all 1: no padding) and token_type_ids (all 0: one
 * segment). Which array an input gets is chosen by its name, so the bench does not depend on input order.
 */
record TokenBatch(long[][] ids, long[][] mask, long[][] types) {
    /** "[CLS] the quick brown fox jumps over the lazy dog [SEP]" in the uncased BERT vocabulary MiniLM uses. */
    static final long[] SENTENCE = {101, 1996, 4248, 2829, 4419, 14523, 2058, 1996, 13971, 3899, 102};

    static TokenBatch of(long[] tokens, int batch) {
        if (batch < 1 || tokens.length == 0) {
            throw new IllegalArgumentException("batch " + batch + " of " + tokens.length + " tokens");
        }
        long[][] ids = new long[batch][];
        long[][] mask = new long[batch][tokens.length];
        long[][] types = new long[batch][tokens.length];
        for (int b = 0; b < batch; b++) {
            ids[b] = tokens.clone();
            Arrays.fill(mask[b], 1);
        }
        return new TokenBatch(ids, mask, types);
    }

    /** The array for the model input {@code name}. */
    long[][] forInput(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.contains("mask")) {
            return mask;
        }
        if (n.contains("type")) {
            return types;
        }
        if (n.contains("id")) {
            return ids;
        }
        throw new IllegalArgumentException("no token input is called " + name);
    }
}
