package io.hartonomous.api.reasoning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.storage.contract.inference.Evidence;
import io.hartonomous.storage.contract.inference.InferenceRecord;
import io.hartonomous.storage.contract.inference.InferenceStore;
import io.hartonomous.storage.contract.inference.NewReasoningRun;
import io.hartonomous.storage.contract.reasoning.Candidate;
import io.hartonomous.storage.contract.reasoning.GenerationResult;
import io.hartonomous.storage.contract.reasoning.GenerationStep;
import io.hartonomous.storage.contract.reasoning.PathResult;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records a finished reasoning run as an inference record with its evidence (same id space as model runs, so
 * GET /api/inference/{id} and /explain answer for it): a generation's evidence is every candidate of every step
 * (role {@code candidate}, score = its attention weight, chosen or not); a path's is the atoms of the path (role
 * {@code path}, step = position, score = cost from the start, all chosen). The output summary, {@code {"outputs":
 * {...}}} as for model runs, holds the parameters and the result.
 */
final class ReasoningRuns {
    static final String GENERATE = "reasoning.generate";
    static final String PATH = "reasoning.path";

    private ReasoningRuns() {
    }

    static InferenceRecord generation(InferenceStore store, ObjectMapper json, Long contextAtom,
                                      GenerationResult result, long durationMs, Map<String, Object> parameters) {
        List<Evidence> evidence = new ArrayList<>();
        for (GenerationStep step : result.steps()) {
            for (Candidate c : step.candidates()) {
                evidence.add(Evidence.atom(step.step(), "candidate", c.atomId(), c.weight(),
                        c.atomId() == step.atomId()));
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>(parameters);
        summary.put("atoms", result.atoms());
        summary.put("logProbabilities", result.steps().stream().map(GenerationStep::logProbability).toList());
        return record(store, json, GENERATE, contextAtom == null ? List.of() : List.of(contextAtom), evidence,
                evidence.size(), durationMs, summary);
    }

    static InferenceRecord path(InferenceStore store, ObjectMapper json, long from, long to, PathResult result,
                                long durationMs, Map<String, Object> parameters) {
        List<Evidence> evidence = new ArrayList<>();
        for (int i = 0; i < result.path().size(); i++) {
            evidence.add(Evidence.atom(i, "path", result.path().get(i), result.costs().get(i), true));
        }
        Map<String, Object> summary = new LinkedHashMap<>(parameters);
        summary.put("found", result.found());
        summary.put("path", result.path());
        summary.put("cost", result.found() ? result.cost() : null);
        summary.put("expanded", result.expanded());
        summary.put("heuristic", result.heuristic().wireName());
        summary.put("exhausted", result.exhausted());
        return record(store, json, PATH, from == to ? List.of(from) : List.of(from, to), evidence,
                result.expanded(), durationMs, summary);
    }

    private static InferenceRecord record(InferenceStore store, ObjectMapper json, String operation,
                                          List<Long> inputs, List<Evidence> evidence, long units, long durationMs,
                                          Map<String, Object> summary) {
        InferenceRecord running = store.beginReasoning(new NewReasoningRun(operation, null, units, inputs, evidence));
        try {
            return store.succeed(running.inferenceId(), durationMs, json.writeValueAsString(Map.of("outputs", summary)), List.of());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
