package io.hartonomous.storage.engine.reasoning;

import io.hartonomous.storage.contract.reasoning.DiscoverRequest;
import io.hartonomous.storage.contract.reasoning.EvolutionKind;
import io.hartonomous.storage.contract.vectors.Metric;
import io.hartonomous.storage.contract.vectors.SearchMode;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.io.WKTReader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The engine-neutral DBSCAN against a textbook DBSCAN (the seed-set formulation, with brute-force range queries) on
 * random blobs and noise, the Voronoi domains as a partition of the box, and the evolution rules.
 */
class ConceptDiscoveryTest {
    private static double euclidean(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    private static List<ConceptDiscovery.Point> blobs(long seed, int blobs, int perBlob, int noise, int dim) {
        Random r = new Random(seed);
        List<ConceptDiscovery.Point> points = new ArrayList<>();
        long id = 1000;
        for (int b = 0; b < blobs; b++) {
            float[] centre = new float[dim];
            for (int d = 0; d < dim; d++) {
                centre[d] = (float) (r.nextDouble() * 40);
            }
            for (int i = 0; i < perBlob; i++) {
                float[] v = new float[dim];
                for (int d = 0; d < dim; d++) {
                    v[d] = centre[d] + (float) (r.nextGaussian() * 0.6);
                }
                points.add(new ConceptDiscovery.Point(id, v, v[0], v[1]));
                id += 1 + r.nextInt(3);
            }
        }
        for (int i = 0; i < noise; i++) {
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) {
                v[d] = (float) (r.nextDouble() * 40);
            }
            points.add(new ConceptDiscovery.Point(id, v, v[0], v[1]));
            id += 1 + r.nextInt(3);
        }
        java.util.Collections.shuffle(points, r);
        return points;
    }

    private static ConceptDiscovery.Neighbourhoods bruteForce(List<ConceptDiscovery.Point> points, double eps) {
        return p -> points.stream().filter(q -> euclidean(p.vector(), q.vector()) <= eps)
                .map(ConceptDiscovery.Point::atomId).toList();
    }

    /** Textbook DBSCAN: points in id order, a seed set per cluster, border points to the first cluster. */
    private static Map<Long, Integer> textbook(List<ConceptDiscovery.Point> points, double eps, int minPts) {
        List<ConceptDiscovery.Point> sorted = new ArrayList<>(points);
        sorted.sort(java.util.Comparator.comparingLong(ConceptDiscovery.Point::atomId));
        Map<Long, ConceptDiscovery.Point> byId = new HashMap<>();
        sorted.forEach(p -> byId.put(p.atomId(), p));
        Map<Long, Integer> label = new HashMap<>();
        int c = 0;
        for (ConceptDiscovery.Point p : sorted) {
            if (label.containsKey(p.atomId())) {
                continue;
            }
            List<Long> n = range(sorted, p, eps);
            if (n.size() < minPts) {
                label.put(p.atomId(), -1);
                continue;
            }
            label.put(p.atomId(), c);
            LinkedHashSet<Long> seeds = new LinkedHashSet<>(n);
            List<Long> queue = new ArrayList<>(seeds);
            for (int i = 0; i < queue.size(); i++) {
                long q = queue.get(i);
                Integer l = label.get(q);
                if (l != null && l == -1) {
                    label.put(q, c);
                }
                if (l != null) {
                    continue;
                }
                label.put(q, c);
                List<Long> nq = range(sorted, byId.get(q), eps);
                if (nq.size() >= minPts) {
                    for (long s : nq) {
                        if (seeds.add(s)) {
                            queue.add(s);
                        }
                    }
                }
            }
            c++;
        }
        return label;
    }

    private static List<Long> range(List<ConceptDiscovery.Point> sorted, ConceptDiscovery.Point p, double eps) {
        return sorted.stream().filter(q -> euclidean(p.vector(), q.vector()) <= eps)
                .map(ConceptDiscovery.Point::atomId).toList();
    }

    private static Map<Long, Integer> labels(ConceptPlan plan) {
        Map<Long, Integer> label = new HashMap<>();
        plan.noise().forEach(a -> label.put(a, -1));
        for (ConceptPlan.Planned c : plan.concepts()) {
            for (long a : c.members()) {
                label.put(a, c.ordinal());
            }
        }
        return label;
    }

    @Test
    void theSameClustersAsTextbookDbscanOnRandomBlobsAndNoise() {
        for (long seed : new long[] {1, 2, 3, 42}) {
            List<ConceptDiscovery.Point> points = blobs(seed, 6, 40, 30, 4);
            for (double eps : new double[] {0.8, 1.2, 2.5}) {
                int minPts = 5;
                DiscoverRequest r = new DiscoverRequest("t", eps, minPts, Metric.EUCLIDEAN, SearchMode.EXACT);
                ConceptPlan plan = ConceptDiscovery.plan(points, r, bruteForce(points, eps), Map.of(), List.of());
                assertThat(labels(plan)).as("seed %d eps %s", seed, eps).isEqualTo(textbook(points, eps, minPts));
                assertThat(plan.points()).isEqualTo(points.size());
            }
        }
    }

    @Test
    void domainsPartitionTheBoxAndHoldTheirCentroids() throws Exception {
        List<ConceptDiscovery.Point> points = blobs(7, 5, 30, 10, 2);
        DiscoverRequest r = new DiscoverRequest("t", 1.2, 4, Metric.EUCLIDEAN, SearchMode.EXACT);
        ConceptPlan plan = ConceptDiscovery.plan(points, r, bruteForce(points, 1.2), Map.of(), List.of());
        assertThat(plan.concepts()).hasSizeGreaterThanOrEqualTo(3);
        Envelope box = new Envelope();
        points.forEach(p -> box.expandToInclude(p.x(), p.y()));
        GeometryFactory gf = new GeometryFactory();
        double area = 0;
        List<Geometry> domains = new ArrayList<>();
        for (ConceptPlan.Planned c : plan.concepts()) {
            Geometry d = new WKTReader().read(c.domainWkt());
            assertThat(d.contains(gf.createPoint(new Coordinate(c.x(), c.y())))).as(c.x() + " " + c.y() + " in "
                    + c.domainWkt()).isTrue();
            Envelope loose = new Envelope(box);
            loose.expandBy(1e-12); // WKT keeps 16 significant digits, not always the last bit
            assertThat(loose.contains(d.getEnvelopeInternal())).as(d.getEnvelopeInternal() + " in " + box).isTrue();
            area += d.getArea();
            for (Geometry other : domains) {
                assertThat(d.intersection(other).getArea()).isLessThan(1e-9);
            }
            domains.add(d);
        }
        assertThat(area).isCloseTo(box.getArea(), within(1e-6));
        for (ConceptPlan.Planned c : plan.concepts()) {
            double sum = 0;
            for (double s : c.similarity()) {
                assertThat(s).isBetween(0.0, 1.0);
                sum += s;
            }
            assertThat(c.coherence()).isCloseTo(sum / c.members().length, within(1e-12));
        }
    }

    @Test
    void evolutionSaysKeptSplitMergedNewAndGone() {
        List<ConceptPlan.Planned> now = List.of(planned(0, 1, 2, 3), planned(1, 4, 5), planned(2, 6, 7),
                planned(3, 20, 21));
        // Before: 10 = {1, 2, 3} (kept as 0), 11 = {4, 5, 6, 7} (split into 1 and 2), 12 = {9} (gone).
        Map<Long, Long> before = Map.of(1L, 10L, 2L, 10L, 3L, 10L, 4L, 11L, 5L, 11L, 6L, 11L, 7L, 11L, 9L, 12L);
        assertThat(ConceptDiscovery.evolution(now, before, List.of(10L, 11L, 12L))).containsExactly(
                new ConceptPlan.Step(EvolutionKind.KEPT, 10L, 0, 3),
                new ConceptPlan.Step(EvolutionKind.SPLIT, 11L, 1, 2),
                new ConceptPlan.Step(EvolutionKind.SPLIT, 11L, 2, 2),
                new ConceptPlan.Step(EvolutionKind.GONE, 12L, null, 0),
                new ConceptPlan.Step(EvolutionKind.NEW, null, 3, 0));
        List<ConceptPlan.Planned> merged = List.of(planned(0, 1, 2, 3, 4, 5, 6, 7));
        assertThat(ConceptDiscovery.evolution(merged, before, List.of(10L, 11L, 12L))).containsExactly(
                new ConceptPlan.Step(EvolutionKind.MERGED, 10L, 0, 3),
                new ConceptPlan.Step(EvolutionKind.MERGED, 11L, 0, 4),
                new ConceptPlan.Step(EvolutionKind.GONE, 12L, null, 0));
    }

    private static ConceptPlan.Planned planned(int ordinal, long... members) {
        return new ConceptPlan.Planned(ordinal, members, new double[members.length], new float[1], 1, 0, 0,
                "POLYGON EMPTY");
    }

    @Test
    void noPointsOrTheSameAtomTwiceIsRefused() {
        DiscoverRequest r = new DiscoverRequest("t", 1, 1, Metric.EUCLIDEAN, SearchMode.EXACT);
        assertThatThrownBy(() -> ConceptDiscovery.plan(List.of(), r, p -> List.of(), Map.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no embeddings");
        ConceptDiscovery.Point p = new ConceptDiscovery.Point(1, new float[] {0}, 0, 0);
        assertThatThrownBy(() -> ConceptDiscovery.plan(List.of(p, p), r, q -> List.of(1L), Map.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        ConceptPlan single = ConceptDiscovery.plan(List.of(p), r, q -> List.of(1L), Map.of(), List.of());
        assertThat(single.concepts()).singleElement().satisfies(c ->
                assertThat(c.domainWkt()).as("a lone point's box grows to a unit square")
                        .isEqualTo("POLYGON ((-0.5 -0.5, -0.5 0.5, 0.5 0.5, 0.5 -0.5, -0.5 -0.5))"));
    }
}
