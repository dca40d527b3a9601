package io.hartonomous.api.reasoning;

import io.hartonomous.storage.contract.reasoning.PathHeuristic;
import io.hartonomous.storage.contract.vectors.EmbeddingVector;
import io.hartonomous.storage.contract.vectors.Metric;

import java.util.Locale;

/** Checks on reasoning request fields, with details that say which field is wrong. */
final class ReasoningParams {
    private ReasoningParams() {
    }

    static long required(String field, Long value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required (an atom id)");
        }
        return value;
    }

    static String embeddingType(String type) {
        if (type == null || type.isBlank() || type.length() > 64) {
            throw new IllegalArgumentException("embeddingType is required (1-64 characters)");
        }
        return type;
    }

    static Metric metric(String text, Metric fallback) {
        return text == null ? fallback : Metric.parse(text);
    }

    static PathHeuristic heuristic(String text) {
        if (text == null) {
            return null;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "exact" -> PathHeuristic.EXACT;
            case "none", "dijkstra" -> PathHeuristic.NONE;
            default -> throw new IllegalArgumentException("unknown heuristic '" + text
                    + "' (expected exact or none)");
        };
    }

    /** A context vector from a JSON array: 1-1998 finite 32-bit numbers. */
    static float[] vector(com.fasterxml.jackson.databind.JsonNode array) {
        if (array.isEmpty() || array.size() > EmbeddingVector.MAX_DIMENSION) {
            throw new IllegalArgumentException("context needs 1 to " + EmbeddingVector.MAX_DIMENSION + " numbers, got "
                    + array.size());
        }
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            com.fasterxml.jackson.databind.JsonNode n = array.get(i);
            if (!n.isNumber() || !Float.isFinite((float) n.asDouble())) {
                throw new IllegalArgumentException("context[" + i + "] is not a finite 32-bit number");
            }
            v[i] = (float) n.asDouble();
        }
        return v;
    }
}
