package io.hartonomous.storage.engine.reasoning;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/**
 * A* on a planar graph with a known optimum (and a trap the heuristic walks into first), and against an
 * independent Dijkstra on random k-nearest-neighbour graphs: the same cost every time, never more expansions.
 */
class AStarTest {
    /** Points in the plane, edges given, cost = Euclidean length, h = straight line to the goal. */
    private record Planar(Map<Long, double[]> at, Map<Long, List<Long>> out, long goal) implements AStar.Graph {
        double length(long a, long b) {
            return Math.hypot(at.get(a)[0] - at.get(b)[0], at.get(a)[1] - at.get(b)[1]);
        }

        @Override
        public List<AStar.Edge> edges(long node) {
            return out.getOrDefault(node, List.of()).stream().map(n -> new AStar.Edge(n, length(node, n))).toList();
        }

        @Override
        public double heuristic(long node) {
            return length(node, goal);
        }
    }

    private static Planar detour() {
        // S(0,0) -> A(5,0.5) -> D(5,5) -> G(10,0) is the way that starts best (A has the lowest f) but costs
        // 5.0249 + 4.5 + 7.0711 = 16.5960; S -> B(5,-3) -> C(9,-3) -> G costs 5.8310 + 4 + 3.1623 = 14.9933.
        Map<Long, double[]> at = Map.of(1L, new double[] {0, 0}, 2L, new double[] {5, 0.5}, 3L, new double[] {5, -3},
                4L, new double[] {9, -3}, 5L, new double[] {10, 0}, 6L, new double[] {5, 5});
        Map<Long, List<Long>> out = Map.of(1L, List.of(2L, 3L), 2L, List.of(6L), 6L, List.of(5L), 3L, List.of(4L),
                4L, List.of(5L));
        return new Planar(at, out, 5);
    }

    @Test
    void findsTheKnownOptimumAroundTheTrap() {
        Planar graph = detour();
        AStar.Result result = AStar.search(1, 5, graph, 100);
        assertThat(result.found()).isTrue();
        assertThat(result.path()).containsExactly(1L, 3L, 4L, 5L);
        assertThat(result.costs().getLast()).isCloseTo(Math.sqrt(34) + 4 + Math.sqrt(10), offset(1e-12));
        // S, A (the trap: f = 10.05 beats B's 11.66), B, C; D (f = 16.6) is never expanded.
        assertThat(result.expanded()).isEqualTo(4);

        AStar.Result dijkstra = AStar.search(1, 5, new AStar.Graph() {
            @Override
            public List<AStar.Edge> edges(long node) {
                return graph.edges(node);
            }

            @Override
            public double heuristic(long node) {
                return 0;
            }
        }, 100);
        assertThat(dijkstra.path()).isEqualTo(result.path());
        // By cost: S 0, A 5.02, B 5.83, D 9.52, C 9.83, then G: five expansions.
        assertThat(dijkstra.expanded()).isEqualTo(5);
        assertThat(dijkstra.costs()).containsExactly(0.0, Math.sqrt(34), Math.sqrt(34) + 4,
                Math.sqrt(34) + 4 + Math.sqrt(10));
    }

    @Test
    void unreachableGoalsAndTheExpansionBound() {
        Planar graph = detour();
        AStar.Result none = AStar.search(5, 1, graph, 100);
        assertThat(none.found()).isFalse();
        assertThat(none.path()).isEmpty();
        assertThat(none.exhausted()).isFalse();
        AStar.Result bounded = AStar.search(1, 5, graph, 2);
        assertThat(bounded.found()).isFalse();
        assertThat(bounded.exhausted()).isTrue();
        assertThat(bounded.expanded()).isEqualTo(2);
        AStar.Result self = AStar.search(3, 3, graph, 1);
        assertThat(self.path()).containsExactly(3L);
        assertThat(self.costs()).containsExactly(0.0);
        assertThat(self.expanded()).isZero();
    }

    @Test
    void agreesWithDijkstraOnRandomKnnGraphs() {
        Random random = new Random(13);
        long totalAStar = 0;
        long totalDijkstra = 0;
        for (int trial = 0; trial < 20; trial++) {
            int n = 300;
            int k = 6;
            double[][] points = new double[n][8];
            for (double[] p : points) {
                for (int d = 0; d < p.length; d++) {
                    p[d] = random.nextGaussian();
                }
            }
            int from = random.nextInt(n);
            int to = random.nextInt(n);
            List<List<AStar.Edge>> edges = knn(points, k);
            AStar.Graph graph = new AStar.Graph() {
                @Override
                public List<AStar.Edge> edges(long node) {
                    return edges.get((int) node);
                }

                @Override
                public double heuristic(long node) {
                    return distance(points[(int) node], points[to]);
                }
            };
            AStar.Result result = AStar.search(from, to, graph, n);
            double[] reference = dijkstra(edges, from);
            if (Double.isInfinite(reference[to])) {
                assertThat(result.found()).isFalse();
                continue;
            }
            assertThat(result.found()).isTrue();
            assertThat(result.costs().getLast()).isCloseTo(reference[to], offset(1e-9));
            double walked = 0;
            for (int i = 1; i < result.path().size(); i++) {
                walked += distance(points[result.path().get(i - 1).intValue()], points[result.path().get(i).intValue()]);
            }
            assertThat(walked).isCloseTo(reference[to], offset(1e-9));
            totalAStar += result.expanded();
            totalDijkstra += settledBefore(reference, to);
        }
        assertThat(totalAStar).isPositive().isLessThanOrEqualTo(totalDijkstra);
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    /** Directed k-NN edges by brute force, nearest first. */
    private static List<List<AStar.Edge>> knn(double[][] points, int k) {
        List<List<AStar.Edge>> edges = new ArrayList<>();
        for (int i = 0; i < points.length; i++) {
            List<AStar.Edge> all = new ArrayList<>();
            for (int j = 0; j < points.length; j++) {
                if (j != i) {
                    all.add(new AStar.Edge(j, distance(points[i], points[j])));
                }
            }
            all.sort((a, b) -> Double.compare(a.cost(), b.cost()));
            edges.add(List.copyOf(all.subList(0, k)));
        }
        return edges;
    }

    /** Textbook O(n^2) Dijkstra: the cost from {@code from} to every node. */
    private static double[] dijkstra(List<List<AStar.Edge>> edges, int from) {
        int n = edges.size();
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
            for (AStar.Edge e : edges.get(u)) {
                dist[(int) e.to()] = Math.min(dist[(int) e.to()], dist[u] + e.cost());
            }
        }
        return dist;
    }

    /** How many nodes Dijkstra settles before it reaches the goal: those strictly closer than it. */
    private static long settledBefore(double[] dist, int to) {
        return Arrays.stream(dist).filter(d -> d < dist[to]).count();
    }
}
