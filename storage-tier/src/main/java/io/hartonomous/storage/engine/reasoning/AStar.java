package io.hartonomous.storage.engine.reasoning;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * A* over a graph given by its edges out of each node, with a consistent heuristic (h(u) <= cost(u, v) + h(v), and
 * h(goal) = 0): a node taken off the open set has its final cost, so it is expanded once. With h = 0 it is Dijkstra's
 * algorithm. The open set is ordered by f = g + h, then node id, the order sql/083 uses too.
 */
public final class AStar {
    private AStar() {
    }

    /** An edge out of a node. */
    public record Edge(long to, double cost) {
    }

    /** What the search needs to know about the graph. */
    public interface Graph {
        /** The edges out of {@code node}; every cost >= 0. */
        List<Edge> edges(long node);

        /** A lower bound of the cost from {@code node} to the goal (0 at the goal). */
        double heuristic(long node);
    }

    /** {@code path} and {@code costs} (cost from the start to each) are empty when no path was found. */
    public record Result(boolean found, List<Long> path, List<Double> costs, long expanded, boolean exhausted) {
    }

    private record Open(long node, double g, double f) {
    }

    public static Result search(long from, long to, Graph graph, long maxExpanded) {
        PriorityQueue<Open> open = new PriorityQueue<>((a, b) -> a.f() != b.f() ? Double.compare(a.f(), b.f())
                : Long.compare(a.node(), b.node()));
        Map<Long, Double> best = new HashMap<>();
        Map<Long, Long> parent = new HashMap<>();
        Set<Long> closed = new HashSet<>();
        best.put(from, 0.0);
        open.add(new Open(from, 0.0, graph.heuristic(from)));
        long expanded = 0;
        while (!open.isEmpty()) {
            Open u = open.poll();
            if (closed.contains(u.node()) || u.g() > best.get(u.node())) {
                continue; // a stale entry: the node was reached more cheaply since
            }
            if (u.node() == to) {
                return new Result(true, path(parent, best, to), costs(parent, best, to), expanded, false);
            }
            if (expanded == maxExpanded) {
                return new Result(false, List.of(), List.of(), expanded, true);
            }
            closed.add(u.node());
            expanded++;
            for (Edge e : graph.edges(u.node())) {
                if (e.cost() < 0 || Double.isNaN(e.cost())) {
                    throw new IllegalArgumentException("edge cost " + e.cost() + " from " + u.node() + " to " + e.to());
                }
                if (closed.contains(e.to())) {
                    continue;
                }
                double g = u.g() + e.cost();
                Double known = best.get(e.to());
                if (known == null || g < known) {
                    best.put(e.to(), g);
                    parent.put(e.to(), u.node());
                    open.add(new Open(e.to(), g, g + graph.heuristic(e.to())));
                }
            }
        }
        return new Result(false, List.of(), List.of(), expanded, false);
    }

    private static List<Long> path(Map<Long, Long> parent, Map<Long, Double> best, long to) {
        List<Long> path = new ArrayList<>();
        for (Long n = to; n != null; n = parent.get(n)) {
            path.add(n);
        }
        Collections.reverse(path);
        return path;
    }

    private static List<Double> costs(Map<Long, Long> parent, Map<Long, Double> best, long to) {
        return path(parent, best, to).stream().map(best::get).toList();
    }
}
