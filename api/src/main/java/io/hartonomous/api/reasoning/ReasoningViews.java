package io.hartonomous.api.reasoning;

import com.fasterxml.jackson.databind.JsonNode;
import io.hartonomous.storage.contract.reasoning.Candidate;
import io.hartonomous.storage.contract.reasoning.GenerationStep;

import java.util.List;

/** The JSON of reasoning requests and answers. */
final class ReasoningViews {
    private ReasoningViews() {
    }

    /**
     * {@code from}, {@code to} (atom ids) and {@code embeddingType} are required; {@code k} defaults to 10 (1-1000),
     * {@code metric} to euclidean (euclidean or cosine), {@code heuristic} to the metric's admissible one ({@code
     * none} = Dijkstra), {@code maxExpanded} to 10000.
     */
    record PathBody(Long from, Long to, String embeddingType, Integer k, String metric, String heuristic,
                    Integer maxExpanded) {
    }

    /** {@code cost} is null when no path was found; {@code costs[i]} is the cost from the start to {@code path[i]}. */
    record PathAnswer(long inferenceId, boolean found, List<Long> path, List<Double> costs, Double cost,
                      long expanded, String heuristic, String heuristicReason, boolean exhausted, String metric,
                      int k) {
    }

    /**
     * {@code context} is an array of numbers or {@code {"atom": id}}; {@code embeddingType} is required;
     * {@code steps} defaults to 10 (1-1000), {@code k} to 10 (1-1000), {@code temperature} to 1 (> 0), {@code seed}
     * to 0, {@code metric} to cosine.
     */
    record GenerateBody(JsonNode context, String embeddingType, Integer steps, Integer k, Double temperature,
                        Long seed, String metric) {
    }

    record CandidateView(long atomId, double similarity, double weight) {
        static CandidateView of(Candidate c) {
            return new CandidateView(c.atomId(), c.similarity(), c.weight());
        }
    }

    record StepView(int step, long atomId, double logProbability, double draw, List<CandidateView> candidates) {
        static StepView of(GenerationStep s) {
            return new StepView(s.step(), s.atomId(), s.logProbability(), s.draw(),
                    s.candidates().stream().map(CandidateView::of).toList());
        }
    }

    record GenerateAnswer(long inferenceId, String embeddingType, String metric, double temperature, long seed,
                          List<Long> atoms, List<StepView> steps) {
    }

    /** The last event of a stream: the run's record and the sequence. */
    record GenerateDone(long inferenceId, List<Long> atoms) {
    }
}
