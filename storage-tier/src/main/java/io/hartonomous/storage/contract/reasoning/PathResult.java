package io.hartonomous.storage.contract.reasoning;

import java.util.List;

/**
 * A path search's outcome: the atoms from start to goal (empty when none was found), the cost of each prefix
 * ({@code costs[i]} = cost from the start to {@code path[i]}; the last is the path's cost), how many nodes were
 * expanded and which heuristic guided the search. {@code exhausted} says the search stopped at its expansion bound
 * before it could decide.
 */
public record PathResult(boolean found, List<Long> path, List<Double> costs, long expanded, PathHeuristic heuristic,
                         boolean exhausted) {
    public PathResult {
        path = List.copyOf(path);
        costs = List.copyOf(costs);
        if (path.size() != costs.size()) {
            throw new IllegalArgumentException("a path has one cost per atom");
        }
    }

    /** The path's total cost; NaN when no path was found. */
    public double cost() {
        return costs.isEmpty() ? Double.NaN : costs.getLast();
    }
}
