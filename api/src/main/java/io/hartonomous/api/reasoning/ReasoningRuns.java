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
import io.hartonomous.storage.contract.vectors.SearchHit;

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
    static final String SEARCH = "reasoning.search";
    static final String CONCEPT = "reasoning.concept";
    static final String CHAIN = "reasoning.chain";

    private ReasoningRuns() {
    }

    static InferenceRecord generation(InferenceStore store, ObjectMapper json, Long parent, Long contextAtom,
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
        return record(store, json, GENERATE, parent, contextAtom == null ? List.of() : List.of(contextAtom),
                evidence, evidence.size(), durationMs, summary);
    }

    static InferenceRecord path(InferenceStore store, ObjectMapper json, Long parent, long from, long to,
                                PathResult result, long durationMs, Map<String, Object> parameters) {
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
        return record(store, json, PATH, parent, from == to ? List.of(from) : List.of(from, to), evidence,
                result.expanded(), durationMs, summary);
    }

    /** A chain's search step: the hits nearest first (role {@code hit}, score = distance, the first chosen). */
    static InferenceRecord search(InferenceStore store, ObjectMapper json, Long parent, Long queryAtom,
                                  List<SearchHit> hits, long durationMs, Map<String, Object> parameters) {
        List<Evidence> evidence = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) {
            evidence.add(Evidence.atom(0, "hit", hits.get(i).atomId(), hits.get(i).distance(), i == 0));
        }
        Map<String, Object> summary = new LinkedHashMap<>(parameters);
        summary.put("hits", hits.stream().map(SearchHit::atomId).toList());
        summary.put("distances", hits.stream().map(SearchHit::distance).toList());
        return record(store, json, SEARCH, parent, queryAtom == null ? List.of() : List.of(queryAtom), evidence,
                hits.size(), durationMs, summary);
    }

    /**
     * A chain's concept step: the concepts found for the atom, best first (role {@code bound}, score = the atom's
     * similarity to the concept, or role {@code domain}, score = the planar distance of the atom's projected point to
     * the concept's; the first chosen), each evidence item naming the atom and the concept.
     */
    static InferenceRecord concept(InferenceStore store, ObjectMapper json, Long parent, long atom, String role,
                                   List<Long> concepts, List<Double> scores, long durationMs,
                                   Map<String, Object> parameters) {
        List<Evidence> evidence = new ArrayList<>();
        for (int i = 0; i < concepts.size(); i++) {
            evidence.add(new Evidence(0, role, atom, concepts.get(i), scores.get(i), i == 0));
        }
        Map<String, Object> summary = new LinkedHashMap<>(parameters);
        summary.put("concepts", concepts);
        summary.put("scores", scores);
        return record(store, json, CONCEPT, parent, List.of(atom), evidence, Math.max(1, concepts.size()),
                durationMs, summary);
    }

    /** Starts a chain's (or a self-consistency sample's) record: its steps are its children, written after it. */
    static InferenceRecord beginChain(InferenceStore store, Long parent, long units) {
        return store.beginReasoning(new NewReasoningRun(CHAIN, parent, units, List.of(), List.of()));
    }

    static InferenceRecord succeed(InferenceStore store, ObjectMapper json, long inferenceId, long durationMs,
                                   Map<String, Object> summary) {
        try {
            return store.succeed(inferenceId, durationMs, json.writeValueAsString(Map.of("outputs", summary)),
                    List.of());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InferenceRecord record(InferenceStore store, ObjectMapper json, String operation, Long parent,
                                          List<Long> inputs, List<Evidence> evidence, long units, long durationMs,
                                          Map<String, Object> summary) {
        InferenceRecord running = store.beginReasoning(new NewReasoningRun(operation, parent, units, inputs,
                evidence));
        return succeed(store, json, running.inferenceId(), durationMs, summary);
    }
}
