package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.reasoning.Candidate;
import io.hartonomous.storage.contract.reasoning.GenerationRequest;
import io.hartonomous.storage.contract.reasoning.GenerationResult;
import io.hartonomous.storage.contract.reasoning.GenerationStep;
import io.hartonomous.storage.contract.reasoning.PathHeuristic;
import io.hartonomous.storage.contract.reasoning.PathRequest;
import io.hartonomous.storage.contract.reasoning.PathResult;
import io.hartonomous.storage.contract.reasoning.ReasoningStore;
import io.hartonomous.storage.contract.vectors.Metric;
import io.hartonomous.storage.contract.vectors.SearchHit;
import io.hartonomous.storage.contract.vectors.SearchMode;
import io.hartonomous.storage.contract.vectors.SearchRequest;
import io.hartonomous.storage.contract.vectors.VectorStore;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;
import io.hartonomous.storage.engine.reasoning.AStar;
import io.hartonomous.storage.engine.reasoning.Attention;
import io.hartonomous.storage.engine.reasoning.ParkMiller;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reasoning on H2, in Java with the SIMD distance kernels. A path search reads the type's embeddings the tenant can
 * see once and builds the k-nearest-neighbour edges of a node when A* expands it (exact distances, ties by atom id);
 * generation asks the tenant's vector store for each step's hybrid top k.
 */
record EmbeddedReasoningStore(String tenantId, UnitOfWork tx, VectorStore vectors) implements ReasoningStore {
    @Override
    public PathResult path(PathRequest r) {
        TypeVectors all = tx.read("reasoningPath", c -> TypeVectors.all(c, tenantId, r.embeddingType()));
        if (all.size() == 0) {
            throw unknownType(r.embeddingType());
        }
        int from = requireNode(all, r.fromAtom(), r.embeddingType());
        int to = requireNode(all, r.toAtom(), r.embeddingType());
        PathHeuristic heuristic = r.heuristic();
        KnnGraph graph = new KnnGraph(all, r.metric(), r.k(), all.vectors()[to], heuristic);
        AStar.Result result = AStar.search(r.fromAtom(), r.toAtom(), graph, r.maxExpanded());
        return new PathResult(result.found(), result.path(), result.costs(), result.expanded(), heuristic,
                result.exhausted());
    }

    private static int requireNode(TypeVectors all, long atomId, String type) {
        int i = all.indexOf(atomId);
        if (i < 0) {
            throw new NotFoundException("atom " + atomId + " not found or without an embedding of type '" + type
                    + "'");
        }
        return i;
    }

    static IllegalArgumentException unknownType(String type) {
        return new IllegalArgumentException("unknown embedding type '" + type + "': no embedding of it is visible");
    }

    /** The directed k-NN graph of the vectors, edges computed on demand. */
    private static final class KnnGraph implements AStar.Graph {
        private final TypeVectors all;
        private final Metric metric;
        private final int k;
        private final float[] goal;
        private final PathHeuristic heuristic;
        private final Map<Long, Double> toGoal = new HashMap<>();

        KnnGraph(TypeVectors all, Metric metric, int k, float[] goal, PathHeuristic heuristic) {
            this.all = all;
            this.metric = metric;
            this.k = k;
            this.goal = goal;
            this.heuristic = heuristic;
        }

        private record Near(int index, double distance) {
        }

        @Override
        public List<AStar.Edge> edges(long node) {
            int u = all.indexOf(node);
            float[] from = all.vectors()[u];
            // The k nearest kept in a heap whose head is the farthest of them (ties: the larger atom id is farther).
            Comparator<Near> nearest = Comparator.comparingDouble(Near::distance).thenComparingInt(Near::index);
            PriorityQueue<Near> best = new PriorityQueue<>(nearest.reversed());
            for (int j = 0; j < all.size(); j++) {
                if (j == u) {
                    continue;
                }
                Near n = new Near(j, Distances.distance(metric, from, all.vectors()[j]));
                if (best.size() < k) {
                    best.add(n);
                } else if (nearest.compare(n, best.peek()) < 0) {
                    best.poll();
                    best.add(n);
                }
            }
            List<Near> sorted = new ArrayList<>(best);
            sorted.sort(nearest);
            // Rounding can make a cosine distance of two equal directions slightly negative; a cost is never below 0.
            return sorted.stream().map(n -> new AStar.Edge(all.atomIds()[n.index()], Math.max(0.0, n.distance())))
                    .toList();
        }

        @Override
        public double heuristic(long node) {
            if (heuristic == PathHeuristic.NONE) {
                return 0;
            }
            return toGoal.computeIfAbsent(node, n -> Math.max(0.0,
                    Distances.distance(metric, all.vectors()[all.indexOf(n)], goal)));
        }
    }

    @Override
    public GenerationResult generate(GenerationRequest r, Consumer<GenerationStep> onStep) {
        float[] context = r.context() != null ? r.context() : tx.read("generate", c -> {
            TypeVectors start = TypeVectors.of(c, tenantId, r.embeddingType(), new long[] {r.contextAtom()});
            if (start.size() == 0) {
                if (!TypeVectors.exists(c, tenantId, r.embeddingType())) {
                    throw unknownType(r.embeddingType());
                }
                throw new NotFoundException("atom " + r.contextAtom() + " not found or without an embedding of type '"
                        + r.embeddingType() + "'");
            }
            return start.vectors()[0];
        });
        if (r.context() != null && !tx.read("generate", c -> TypeVectors.exists(c, tenantId, r.embeddingType()))) {
            throw unknownType(r.embeddingType());
        }
        ParkMiller random = new ParkMiller(r.seed());
        List<GenerationStep> steps = new ArrayList<>(r.steps());
        for (int step = 1; step <= r.steps(); step++) {
            List<SearchHit> hits = vectors.search(new SearchRequest(context, r.k(), r.metric(), SearchMode.HYBRID,
                    r.embeddingType(), null, null, null, null, 0)).hits();
            Set<Long> distinct = new LinkedHashSet<>();
            hits.forEach(h -> distinct.add(h.atomId()));
            long[] ids = distinct.stream().mapToLong(Long::longValue).toArray();
            TypeVectors found = tx.read("generate", c -> TypeVectors.of(c, tenantId, r.embeddingType(), ids));
            if (found.size() == 0) {
                throw unknownType(r.embeddingType());
            }
            GenerationStep drawn = step(step, found, context, r, random.nextUniform());
            steps.add(drawn);
            onStep.accept(drawn);
            context = Attention.weightedMean(Arrays.asList(found.vectors()), weightsByIndex(found, drawn));
        }
        return new GenerationResult(steps);
    }

    /**
     * One step over the candidates: distances recomputed from each atom's own vector (the one the context moves
     * with), ordered nearest first and by atom id, weighed, and one drawn with {@code uniform}.
     */
    private static GenerationStep step(int step, TypeVectors found, float[] context, GenerationRequest r,
                                       double uniform) {
        record Scored(long atomId, double similarity) {
        }
        List<Scored> scored = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++) {
            scored.add(new Scored(found.atomIds()[i],
                    Attention.similarity(r.metric(), Distances.distance(r.metric(), context, found.vectors()[i]))));
        }
        scored.sort(Comparator.comparingDouble(Scored::similarity).reversed().thenComparingLong(Scored::atomId));
        double[] similarities = scored.stream().mapToDouble(Scored::similarity).toArray();
        double[] weights = Attention.softmax(similarities, r.temperature());
        int chosen = Attention.sample(weights, uniform);
        List<Candidate> candidates = new ArrayList<>(scored.size());
        for (int i = 0; i < scored.size(); i++) {
            candidates.add(new Candidate(scored.get(i).atomId(), similarities[i], weights[i]));
        }
        return new GenerationStep(step, scored.get(chosen).atomId(),
                Attention.logProbability(similarities, r.temperature(), chosen), uniform, candidates);
    }

    /** The step's weights in the order of {@code found} (by atom id), for the context update. */
    private static double[] weightsByIndex(TypeVectors found, GenerationStep drawn) {
        double[] weights = new double[found.size()];
        for (Candidate c : drawn.candidates()) {
            weights[found.indexOf(c.atomId())] = c.weight();
        }
        return weights;
    }
}
