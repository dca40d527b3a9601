package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.ingest.JobStart;
import io.hartonomous.storage.contract.reasoning.Candidate;
import io.hartonomous.storage.contract.reasoning.GenerationRequest;
import io.hartonomous.storage.contract.reasoning.GenerationResult;
import io.hartonomous.storage.contract.reasoning.GenerationStep;
import io.hartonomous.storage.contract.reasoning.PathHeuristic;
import io.hartonomous.storage.contract.reasoning.PathRequest;
import io.hartonomous.storage.contract.reasoning.PathResult;
import io.hartonomous.storage.contract.vectors.Metric;
import io.hartonomous.storage.contract.vectors.NewEmbedding;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/**
 * A* paths and attention generation: a known shortest path (a U the k-NN graph must walk around), costs equal to an
 * independent Dijkstra on random data, a generation step whose distribution is computed by hand, the same sequence
 * from the same seed, bad parameters and tenant isolation.
 */
public abstract class ReasoningContract extends StorageContractSuite {
    /** File atoms of one tenant, each with the tenant's own embedding of {@code type}, in creation (= id) order. */
    private record Seeded(TenantStorage tenant, List<Long> atomIds, List<float[]> vectors) {
    }

    private Seeded seed(String tenantId, String type, List<float[]> vectors) {
        TenantStorage t = engine.forTenant(tenantId);
        List<Long> ids = new ArrayList<>();
        List<NewEmbedding> embeddings = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            JobStart s = t.ingest().startJob(newJob(Modality.IMAGE, "r" + i));
            t.ingest().completeJob(s.job().jobId(), null);
            ids.add(s.parent().atomId());
            embeddings.add(new NewEmbedding(s.parent().atomId(), type, vectors.get(i), false));
        }
        t.vectors().putAll(embeddings);
        return new Seeded(t, ids, vectors);
    }

    private static float[] v(double... values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    /**
     * A U of unit steps: down from (0,4) to (0,0), along to (4,0), up to (4,4). With k = 2 every atom's nearest two
     * are its neighbours on the U (the ends: the next two), so the only way from one top end to the other is the
     * U itself, cost 12, although the ends are 4 apart.
     */
    private static List<float[]> u() {
        List<float[]> points = new ArrayList<>();
        for (int y = 4; y >= 0; y--) {
            points.add(v(0, y));
        }
        for (int x = 1; x <= 4; x++) {
            points.add(v(x, 0));
        }
        for (int y = 1; y <= 4; y++) {
            points.add(v(4, y));
        }
        return points;
    }

    @Test
    void theShortestPathWalksAroundTheU() {
        Seeded s = seed(newTenant(), "u-2", u());
        long from = s.atomIds().getFirst();
        long to = s.atomIds().getLast();
        PathResult result = s.tenant().reasoning().path(PathRequest.of(from, to, "u-2", 2, Metric.EUCLIDEAN));
        assertThat(result.found()).isTrue();
        assertThat(result.heuristic()).isEqualTo(PathHeuristic.EXACT);
        assertThat(result.cost()).isCloseTo(12.0, offset(1e-5));
        assertThat(result.path().getFirst()).isEqualTo(from);
        assertThat(result.path().getLast()).isEqualTo(to);
        // Along the U in order: each atom of the path comes later on the U than the one before it.
        List<Integer> positions = result.path().stream().map(s.atomIds()::indexOf).toList();
        assertThat(positions).isSorted().doesNotHaveDuplicates();
        assertThat(result.costs().getFirst()).isZero();
        assertThat(result.costs()).isSorted();

        // Dijkstra (h = 0) finds the same cost and expands at least as many atoms as A* with the exact heuristic.
        PathResult dijkstra = s.tenant().reasoning().path(new PathRequest(from, to, "u-2", 2, Metric.EUCLIDEAN,
                PathRequest.DEFAULT_MAX_EXPANDED, PathHeuristic.NONE));
        assertThat(dijkstra.heuristic()).isEqualTo(PathHeuristic.NONE);
        assertThat(dijkstra.cost()).isCloseTo(12.0, offset(1e-5));
        assertThat(result.expanded()).isLessThanOrEqualTo(dijkstra.expanded());
    }

    @Test
    void aGoalOutOfReachAndTheExpansionBound() {
        List<float[]> points = new ArrayList<>(u());
        points.add(v(100, 100));
        points.add(v(101, 100));
        points.add(v(100, 101));
        Seeded s = seed(newTenant(), "u-far", points);
        PathResult none = s.tenant().reasoning().path(PathRequest.of(s.atomIds().getFirst(), s.atomIds().getLast(),
                "u-far", 2, Metric.EUCLIDEAN));
        assertThat(none.found()).isFalse();
        assertThat(none.path()).isEmpty();
        assertThat(none.exhausted()).isFalse();
        assertThat(none.expanded()).isEqualTo(13); // the whole U, and nothing of it leads out
        PathResult bounded = s.tenant().reasoning().path(new PathRequest(s.atomIds().getFirst(),
                s.atomIds().get(12), "u-far", 2, Metric.EUCLIDEAN, 3, null));
        assertThat(bounded.found()).isFalse();
        assertThat(bounded.exhausted()).isTrue();
        assertThat(bounded.expanded()).isEqualTo(3);
        PathResult self = s.tenant().reasoning().path(PathRequest.of(s.atomIds().get(5), s.atomIds().get(5), "u-far",
                2, Metric.EUCLIDEAN));
        assertThat(self.path()).containsExactly(s.atomIds().get(5));
        assertThat(self.cost()).isZero();
    }

    @Test
    void pathCostsEqualAnIndependentDijkstraOnRandomData() {
        Random random = new Random(29);
        List<float[]> points = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            float[] p = new float[8];
            for (int d = 0; d < p.length; d++) {
                p[d] = (float) random.nextGaussian();
            }
            points.add(p);
        }
        Seeded s = seed(newTenant(), "random-8", points);
        int k = 5;
        double[][] edges = knnCosts(points, k, Metric.EUCLIDEAN);
        double[][] cosineEdges = knnCosts(points, k, Metric.COSINE);
        long aStar = 0;
        long dijkstra = 0;
        for (int trial = 0; trial < 8; trial++) {
            int from = random.nextInt(points.size());
            int to = random.nextInt(points.size());
            double expected = dijkstra(edges, from)[to];
            PathResult result = s.tenant().reasoning().path(PathRequest.of(s.atomIds().get(from),
                    s.atomIds().get(to), "random-8", k, Metric.EUCLIDEAN));
            PathResult plain = s.tenant().reasoning().path(new PathRequest(s.atomIds().get(from),
                    s.atomIds().get(to), "random-8", k, Metric.EUCLIDEAN, PathRequest.DEFAULT_MAX_EXPANDED,
                    PathHeuristic.NONE));
            if (Double.isInfinite(expected)) {
                assertThat(result.found()).isFalse();
                assertThat(plain.found()).isFalse();
                continue;
            }
            assertThat(result.cost()).isCloseTo(expected, offset(1e-4));
            assertThat(plain.cost()).isCloseTo(expected, offset(1e-4));
            aStar += result.expanded();
            dijkstra += plain.expanded();

            PathResult cosine = s.tenant().reasoning().path(PathRequest.of(s.atomIds().get(from), s.atomIds().get(to),
                    "random-8", k, Metric.COSINE));
            assertThat(cosine.heuristic()).isEqualTo(PathHeuristic.NONE);
            double expectedCosine = dijkstra(cosineEdges, from)[to];
            if (Double.isInfinite(expectedCosine)) {
                assertThat(cosine.found()).isFalse();
            } else {
                assertThat(cosine.cost()).isCloseTo(expectedCosine, offset(1e-4));
            }
        }
        assertThat(aStar).isPositive().isLessThanOrEqualTo(dijkstra);
    }

    /** The k-NN graph by brute force in double precision: {@code [u][v]} the cost of u -> v, or infinity. */
    private static double[][] knnCosts(List<float[]> points, int k, Metric metric) {
        int n = points.size();
        double[][] costs = new double[n][n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(costs[i], Double.POSITIVE_INFINITY);
            double[] d = new double[n];
            Integer[] order = new Integer[n];
            for (int j = 0; j < n; j++) {
                d[j] = distance(metric, points.get(i), points.get(j));
                order[j] = j;
            }
            final int self = i;
            Arrays.sort(order, (a, b) -> Double.compare(d[a], d[b]) != 0 ? Double.compare(d[a], d[b])
                    : Integer.compare(a, b));
            int taken = 0;
            for (int j : order) {
                if (j != self && taken < k) {
                    costs[i][j] = Math.max(0, d[j]);
                    taken++;
                }
            }
        }
        return costs;
    }

    private static double distance(Metric metric, float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        double sq = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * (double) b[i];
            na += a[i] * (double) a[i];
            nb += b[i] * (double) b[i];
            sq += (a[i] - (double) b[i]) * (a[i] - (double) b[i]);
        }
        return metric == Metric.COSINE ? 1 - dot / Math.sqrt(na * nb) : Math.sqrt(sq);
    }

    private static double[] dijkstra(double[][] costs, int from) {
        int n = costs.length;
        double[] dist = new double[n];
        boolean[] done = new boolean[n];
        Arrays.fill(dist, Double.POSITIVE_INFINITY);
        dist[from] = 0;
        for (int round = 0; round < n; round++) {
            int u = -1;
            for (int i = 0; i < n; i++) {
                if (!done[i] && (u < 0 || dist[i] < dist[u])) {
                    u = i;
                }
            }
            if (Double.isInfinite(dist[u])) {
                break;
            }
            done[u] = true;
            for (int v = 0; v < n; v++) {
                dist[v] = Math.min(dist[v], dist[u] + costs[u][v]);
            }
        }
        return dist;
    }

    /** Three directions in the plane: a = (1,0), b = (0,1), c = (-1,0). */
    private Seeded compass(String tenantId) {
        return seed(tenantId, "compass", List.of(v(1, 0), v(0, 1), v(-1, 0)));
    }

    @Test
    void aGenerationStepAsComputedByHand() {
        Seeded s = compass(newTenant());
        long a = s.atomIds().get(0);
        long b = s.atomIds().get(1);
        long c = s.atomIds().get(2);
        // Seed 35590: the first draw is (35591 * 48271 mod 2147483647) / 2147483647 = 0.800012.
        GenerationResult result = s.tenant().reasoning().generate(new GenerationRequest(v(1, 0), null, "compass", 2,
                3, 1.0, 35590, Metric.COSINE));
        assertThat(result.steps()).hasSize(2);
        GenerationStep first = result.steps().getFirst();
        assertThat(first.step()).isEqualTo(1);
        assertThat(first.draw()).isCloseTo(0.800012, offset(1e-6));
        // Cosine similarity to (1,0): a 1, b 0, c -1; at temperature 1 the weights are e^0, e^-1, e^-2 over their
        // sum 1.503215: 0.665241, 0.244728, 0.090031. Cumulative 0.665, 0.910: the draw 0.800 takes b.
        assertThat(first.candidates()).extracting(Candidate::atomId).containsExactly(a, b, c);
        assertThat(first.candidates()).extracting(Candidate::similarity).containsExactly(1.0, 0.0, -1.0);
        assertThat(first.candidates().get(0).weight()).isCloseTo(0.665241, offset(1e-6));
        assertThat(first.candidates().get(1).weight()).isCloseTo(0.244728, offset(1e-6));
        assertThat(first.candidates().get(2).weight()).isCloseTo(0.090031, offset(1e-6));
        assertThat(first.atomId()).isEqualTo(b);
        assertThat(first.logProbability()).isCloseTo(-1.407606, offset(1e-6));

        // The context moves to 0.665241 a + 0.244728 b + 0.090031 c = (0.575210, 0.244728); cosines with it:
        // a 0.920180, b 0.391497, c -0.920180, so at temperature 1 the weights are e^s over their sum.
        GenerationStep second = result.steps().get(1);
        double[] cos = {0.575210 / 0.625107, 0.244728 / 0.625107, -0.575210 / 0.625107};
        double sum = Math.exp(cos[0]) + Math.exp(cos[1]) + Math.exp(cos[2]);
        assertThat(second.candidates()).extracting(Candidate::atomId).containsExactly(a, b, c);
        for (int i = 0; i < 3; i++) {
            assertThat(second.candidates().get(i).similarity()).isCloseTo(cos[i], offset(1e-5));
            assertThat(second.candidates().get(i).weight()).isCloseTo(Math.exp(cos[i]) / sum, offset(1e-5));
        }
        // The second draw, 0.389897, falls in a's share (0.5396).
        assertThat(second.draw()).isCloseTo(0.389897, offset(1e-6));
        assertThat(second.atomId()).isEqualTo(a);
        assertThat(second.logProbability()).isCloseTo(cos[0] - Math.log(sum), offset(1e-5));
        assertThat(result.atoms()).containsExactly(b, a);
    }

    @Test
    void theSameSeedGivesTheSameSequence() {
        Random random = new Random(5);
        List<float[]> points = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            float[] p = new float[6];
            for (int d = 0; d < p.length; d++) {
                p[d] = (float) (random.nextGaussian() + (i % 3) * 3);
            }
            points.add(p);
        }
        Seeded s = seed(newTenant(), "gen-6", points);
        List<GenerationStep> streamed = new ArrayList<>();
        GenerationRequest request = new GenerationRequest(null, s.atomIds().get(7), "gen-6", 12, 8, 0.5, 2026,
                Metric.EUCLIDEAN);
        GenerationResult first = s.tenant().reasoning().generate(request, streamed::add);
        GenerationResult again = s.tenant().reasoning().generate(request);
        assertThat(streamed).isEqualTo(first.steps());
        assertThat(again.atoms()).isEqualTo(first.atoms());
        assertThat(first.steps()).hasSize(12).allSatisfy(step -> {
            assertThat(step.candidates()).hasSize(8);
            assertThat(step.candidates().stream().mapToDouble(Candidate::weight).sum()).isCloseTo(1.0,
                    offset(1e-9));
            assertThat(step.candidates()).extracting(Candidate::atomId).contains(step.atomId());
            assertThat(step.logProbability()).isNegative();
        });
        List<List<Long>> others = new ArrayList<>();
        for (long seed = 1; seed <= 5; seed++) {
            others.add(s.tenant().reasoning().generate(new GenerationRequest(null, s.atomIds().get(7), "gen-6", 12,
                    8, 0.5, seed, Metric.EUCLIDEAN)).atoms());
        }
        assertThat(others).anySatisfy(o -> assertThat(o).isNotEqualTo(first.atoms()));
    }

    @Test
    void badParametersAreRefused() {
        Seeded s = compass(newTenant());
        long a = s.atomIds().getFirst();
        assertThatThrownBy(() -> PathRequest.of(a, a, "compass", 1001, Metric.EUCLIDEAN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k must be between 1 and 1000");
        assertThatThrownBy(() -> PathRequest.of(a, a, "compass", 0, Metric.EUCLIDEAN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PathRequest.of(a, a, "compass", 2, Metric.DOT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative edge costs");
        assertThatThrownBy(() -> new PathRequest(a, a, "compass", 2, Metric.COSINE, 10, PathHeuristic.EXACT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not admissible");
        assertThatThrownBy(() -> new GenerationRequest(v(1, 0), null, "compass", 0, 3, 1, 1, Metric.COSINE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("steps");
        assertThatThrownBy(() -> new GenerationRequest(v(1, 0), null, "compass", 1, 3, 0, 1, Metric.COSINE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new GenerationRequest(v(1, 0), a, "compass", 1, 3, 1, 1, Metric.COSINE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("either");

        assertThatThrownBy(() -> s.tenant().reasoning().path(PathRequest.of(a, a, "no-such-type", 2,
                Metric.EUCLIDEAN))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown");
        assertThatThrownBy(() -> s.tenant().reasoning().generate(new GenerationRequest(v(1, 0), null, "no-such-type",
                1, 3, 1, 1, Metric.COSINE))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown");
        assertThatThrownBy(() -> s.tenant().reasoning().path(PathRequest.of(a, Long.MAX_VALUE - 1, "compass", 2,
                Metric.EUCLIDEAN))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> s.tenant().reasoning().generate(new GenerationRequest(null, Long.MAX_VALUE - 1,
                "compass", 1, 3, 1, 1, Metric.COSINE))).isInstanceOf(NotFoundException.class);
    }

    @Test
    void anotherTenantSeesNeitherTheEmbeddingsNorTheAtoms() {
        Seeded owner = compass(newTenant());
        long a = owner.atomIds().getFirst();
        long c = owner.atomIds().getLast();
        TenantStorage stranger = engine.forTenant(newTenant());
        // The stranger has no embedding of the type: the type is unknown to it.
        assertThatThrownBy(() -> stranger.reasoning().path(PathRequest.of(a, c, "compass", 2, Metric.EUCLIDEAN)))
                .isInstanceOf(IllegalArgumentException.class);
        Seeded own = compass(stranger.tenantId());
        // Now it has some, but the owner's atoms are still not among what it sees.
        assertThatThrownBy(() -> stranger.reasoning().path(PathRequest.of(a, c, "compass", 2, Metric.EUCLIDEAN)))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> stranger.reasoning().generate(new GenerationRequest(null, a, "compass", 1, 3, 1, 1,
                Metric.COSINE))).isInstanceOf(NotFoundException.class);
        GenerationResult mine = stranger.reasoning().generate(new GenerationRequest(v(1, 0), null, "compass", 3, 10,
                1, 1, Metric.COSINE));
        assertThat(mine.steps()).allSatisfy(step -> assertThat(step.candidates()).extracting(Candidate::atomId)
                .allMatch(own.atomIds()::contains));
        PathResult path = stranger.reasoning().path(PathRequest.of(own.atomIds().getFirst(), own.atomIds().getLast(),
                "compass", 2, Metric.EUCLIDEAN));
        assertThat(path.path()).allMatch(own.atomIds()::contains);
    }
}
