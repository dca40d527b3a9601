package io.hartonomous.storage.contract.reasoning;

import io.hartonomous.storage.contract.vectors.Metric;

import java.util.Locale;

/**
 * The A* heuristic a path search used (docs/decisions.md, "A* paths"). The planar distance of the projected points
 * is never a lower bound here: a point's projection is (its landmark's number, its distance to that landmark), and
 * the difference of two landmark numbers says nothing about the distance between the points. So Euclidean paths use
 * the exact distance to the goal (a lower bound by the triangle inequality, and consistent, so no node is expanded
 * twice); cosine distance has no triangle inequality (1 - cos 90° = 1 exceeds two 45° steps, 0.59), so no distance
 * to the goal is a lower bound and the search runs with h = 0, which is Dijkstra's algorithm.
 */
public enum PathHeuristic {
    EXACT, NONE;

    public static PathHeuristic admissibleFor(Metric metric) {
        return metric == Metric.EUCLIDEAN ? EXACT : NONE;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What the response says about it. */
    public String description() {
        return this == EXACT ? "exact distance to the goal (euclidean: admissible and consistent)"
                : "none (h = 0, Dijkstra: cosine distance has no triangle inequality, so no distance to the goal "
                + "is admissible)";
    }
}
