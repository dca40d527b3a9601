package io.hartonomous.storage.engine.reasoning;

import io.hartonomous.kernels.DistanceKernels;
import io.hartonomous.storage.contract.reasoning.DiscoverRequest;
import io.hartonomous.storage.contract.reasoning.EvolutionKind;
import io.hartonomous.storage.contract.vectors.Metric;
import io.hartonomous.storage.contract.vectors.SearchHit;
import io.hartonomous.storage.contract.vectors.SearchRequest;
import io.hartonomous.storage.contract.vectors.VectorStore;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.io.WKTWriter;
import org.locationtech.jts.triangulate.VoronoiDiagramBuilder;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * DBSCAN concept discovery as both engines run it (engine-neutral: the engines differ only in where the points and
 * the neighbourhoods come from and how the plan is stored). Points are visited by atom id ascending and each
 * cluster grows breadth first through neighbourhoods sorted by atom id, so the same neighbourhoods always give the
 * same clusters, numbered in the order they are found; a border point belongs to the first cluster that reaches it.
 * Every point's neighbourhood is asked for once: n searches, each as cheap as the store's search (hybrid: spatial
 * candidates and an exact rerank), never a pairwise scan here.
 */
public final class ConceptDiscovery {
    /** An embedding to cluster: its atom, its vector (its true dimension) and its projected point. */
    public record Point(long atomId, float[] vector, double x, double y) {
    }

    /** The atoms within eps of a point (itself included), by the store's search. */
    @FunctionalInterface
    public interface Neighbourhoods {
        List<Long> within(Point point);
    }

    private static final int FIRST_K = 32;

    private ConceptDiscovery() {
    }

    /**
     * Eps-neighbourhoods through the vector store's k-nearest search: k grows (x4, up to {@link SearchRequest#MAX_K})
     * while every hit is within eps, so a neighbourhood is whole unless it has more than 1000 points (then it is its
     * 1000 nearest, which still makes the point a core point for any allowed minPts).
     */
    public static Neighbourhoods through(VectorStore store, DiscoverRequest r) {
        return point -> {
            int k = Math.min(SearchRequest.MAX_K, Math.max(FIRST_K, r.minPts()));
            while (true) {
                List<SearchHit> hits = store.search(new SearchRequest(point.vector(), k, r.metric(), r.mode(),
                        r.embeddingType(), null, null, null, null, 0)).hits();
                Set<Long> within = new LinkedHashSet<>();
                boolean all = true;
                for (SearchHit h : hits) {
                    if (h.distance() <= r.eps()) {
                        within.add(h.atomId());
                    } else {
                        all = false;
                    }
                }
                if (!all || hits.size() < k || k == SearchRequest.MAX_K) {
                    within.add(point.atomId());
                    return List.copyOf(within);
                }
                k = Math.min(SearchRequest.MAX_K, k * 4);
            }
        };
    }

    /**
     * The plan of one discover run over {@code points} (one per atom), with {@code previous} the membership of the
     * previous generation (atom id to concept id; empty for the first) and {@code previousConcepts} its concept ids.
     */
    public static ConceptPlan plan(List<Point> points, DiscoverRequest r, Neighbourhoods neighbourhoods,
                                   Map<Long, Long> previous, List<Long> previousConcepts) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("there are no embeddings of type '" + r.embeddingType()
                    + "' to discover concepts in");
        }
        List<Point> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingLong(Point::atomId));
        Map<Long, Point> byAtom = new HashMap<>(sorted.size() * 2);
        for (Point p : sorted) {
            if (byAtom.put(p.atomId(), p) != null) {
                throw new IllegalArgumentException("atom " + p.atomId() + " is given twice");
            }
        }
        final int unvisited = -2;
        final int noise = -1;
        Map<Long, Integer> label = new HashMap<>(sorted.size() * 2);
        int clusters = 0;
        for (Point p : sorted) {
            if (label.getOrDefault(p.atomId(), unvisited) != unvisited) {
                continue;
            }
            List<Long> n = known(neighbourhoods.within(p), byAtom);
            if (n.size() < r.minPts()) {
                label.put(p.atomId(), noise);
                continue;
            }
            int c = clusters++;
            label.put(p.atomId(), c);
            ArrayDeque<Long> queue = new ArrayDeque<>(n);
            while (!queue.isEmpty()) {
                long q = queue.poll();
                int l = label.getOrDefault(q, unvisited);
                if (l == noise) {
                    label.put(q, c); // a border point: reached, but not core
                    continue;
                }
                if (l != unvisited) {
                    continue;
                }
                label.put(q, c);
                List<Long> nq = known(neighbourhoods.within(byAtom.get(q)), byAtom);
                if (nq.size() >= r.minPts()) {
                    queue.addAll(nq);
                }
            }
        }

        List<List<Point>> members = new ArrayList<>();
        for (int c = 0; c < clusters; c++) {
            members.add(new ArrayList<>());
        }
        List<Long> noiseAtoms = new ArrayList<>();
        for (Point p : sorted) {
            int l = label.get(p.atomId());
            if (l == noise) {
                noiseAtoms.add(p.atomId());
            } else {
                members.get(l).add(p);
            }
        }
        Envelope box = new Envelope();
        sorted.forEach(p -> box.expandToInclude(p.x(), p.y()));
        List<String> domains = domains(members, box);
        List<ConceptPlan.Planned> planned = new ArrayList<>(clusters);
        for (int c = 0; c < clusters; c++) {
            planned.add(concept(c, members.get(c), r.metric(), domains.get(c)));
        }
        return new ConceptPlan(planned, noiseAtoms, evolution(planned, previous, previousConcepts), sorted.size());
    }

    private static List<Long> known(List<Long> ids, Map<Long, Point> byAtom) {
        TreeSet<Long> sorted = new TreeSet<>();
        for (long id : ids) {
            if (byAtom.containsKey(id)) {
                sorted.add(id);
            }
        }
        return List.copyOf(sorted);
    }

    /** Similarity of a distance, in (0, 1] for both metrics. */
    public static double similarity(Metric metric, double distance) {
        return metric == Metric.COSINE ? 1 - distance : 1 / (1 + distance);
    }

    private static ConceptPlan.Planned concept(int ordinal, List<Point> members, Metric metric, String domain) {
        int dimension = 0;
        for (Point p : members) {
            dimension = Math.max(dimension, p.vector().length);
        }
        double[] sum = new double[dimension];
        double x = 0;
        double y = 0;
        for (Point p : members) {
            for (int i = 0; i < p.vector().length; i++) {
                sum[i] += p.vector()[i];
            }
            x += p.x();
            y += p.y();
        }
        float[] centroid = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            centroid[i] = (float) (sum[i] / members.size());
        }
        long[] atoms = new long[members.size()];
        double[] similarity = new double[members.size()];
        double total = 0;
        for (int m = 0; m < members.size(); m++) {
            Point p = members.get(m);
            float[] v = p.vector().length == dimension ? p.vector() : Arrays.copyOf(p.vector(), dimension);
            double d = metric == Metric.COSINE ? DistanceKernels.cosineDistance(centroid, v, dimension)
                    : DistanceKernels.euclidean(centroid, v, dimension);
            atoms[m] = p.atomId();
            similarity[m] = similarity(metric, d);
            total += similarity[m];
        }
        return new ConceptPlan.Planned(ordinal, atoms, similarity, centroid, total / members.size(),
                x / members.size(), y / members.size(), domain);
    }

    /**
     * The Voronoi cells of the projected centroids (JTS), clipped to the bounding box of every point clustered
     * (grown to half a unit each way when it is flat, so a domain always has an area); concepts with the same
     * projected centroid share a cell.
     */
    static List<String> domains(List<List<Point>> members, Envelope box) {
        if (members.isEmpty()) {
            return List.of();
        }
        Envelope clip = new Envelope(box);
        if (clip.getWidth() == 0) {
            clip.expandBy(0.5, 0);
        }
        if (clip.getHeight() == 0) {
            clip.expandBy(0, 0.5);
        }
        GeometryFactory gf = new GeometryFactory();
        Geometry boxGeometry = gf.toGeometry(clip);
        List<Coordinate> sites = new ArrayList<>();
        for (List<Point> m : members) {
            double x = 0;
            double y = 0;
            for (Point p : m) {
                x += p.x();
                y += p.y();
            }
            sites.add(new Coordinate(x / m.size(), y / m.size()));
        }
        WKTWriter wkt = new WKTWriter();
        Map<Coordinate, String> cells = new TreeMap<>();
        if (new TreeSet<>(sites).size() == 1) {
            cells.put(sites.getFirst(), wkt.write(boxGeometry));
        } else {
            VoronoiDiagramBuilder builder = new VoronoiDiagramBuilder();
            builder.setSites(sites);
            builder.setClipEnvelope(clip);
            Geometry diagram = builder.getDiagram(gf);
            for (int i = 0; i < diagram.getNumGeometries(); i++) {
                Geometry cell = diagram.getGeometryN(i);
                Geometry clipped = cell.intersection(boxGeometry);
                cells.put((Coordinate) cell.getUserData(), wkt.write(clipped));
            }
        }
        List<String> domains = new ArrayList<>(sites.size());
        for (Coordinate site : sites) {
            String cell = cells.get(site);
            if (cell == null) {
                throw new IllegalStateException("no Voronoi cell for the centroid at " + site);
            }
            domains.add(cell);
        }
        return domains;
    }

    /** Evolution by shared members: see {@link EvolutionKind}. Old concepts ascending, then new ordinals. */
    static List<ConceptPlan.Step> evolution(List<ConceptPlan.Planned> concepts, Map<Long, Long> previous,
                                            List<Long> previousConcepts) {
        if (previousConcepts.isEmpty()) {
            return concepts.stream().map(c -> new ConceptPlan.Step(EvolutionKind.NEW, null, c.ordinal(),
                    0)).toList();
        }
        Map<Long, Map<Integer, Integer>> shared = new TreeMap<>();
        Map<Integer, Set<Long>> sources = new TreeMap<>();
        for (ConceptPlan.Planned c : concepts) {
            for (long atom : c.members()) {
                Long old = previous.get(atom);
                if (old != null) {
                    shared.computeIfAbsent(old, o -> new TreeMap<>()).merge(c.ordinal(), 1, Integer::sum);
                    sources.computeIfAbsent(c.ordinal(), o -> new TreeSet<>()).add(old);
                }
            }
        }
        List<ConceptPlan.Step> steps = new ArrayList<>();
        for (long old : new TreeSet<>(previousConcepts)) {
            Map<Integer, Integer> to = shared.get(old);
            if (to == null) {
                steps.add(new ConceptPlan.Step(EvolutionKind.GONE, old, null, 0));
                continue;
            }
            for (Map.Entry<Integer, Integer> t : to.entrySet()) {
                EvolutionKind kind = to.size() > 1 ? EvolutionKind.SPLIT
                        : sources.get(t.getKey()).size() > 1 ? EvolutionKind.MERGED : EvolutionKind.KEPT;
                steps.add(new ConceptPlan.Step(kind, old, t.getKey(), t.getValue()));
            }
        }
        for (ConceptPlan.Planned c : concepts) {
            if (!sources.containsKey(c.ordinal())) {
                steps.add(new ConceptPlan.Step(EvolutionKind.NEW, null, c.ordinal(), 0));
            }
        }
        return steps;
    }
}
