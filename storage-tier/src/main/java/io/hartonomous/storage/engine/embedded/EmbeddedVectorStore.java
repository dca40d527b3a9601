package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.vectors.AtomEmbedding;
import io.hartonomous.storage.contract.vectors.NewEmbedding;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.vectors.ProjectionRebuild;
import io.hartonomous.storage.contract.vectors.SearchHit;
import io.hartonomous.storage.contract.vectors.SearchMode;
import io.hartonomous.storage.contract.vectors.SearchRequest;
import io.hartonomous.storage.contract.vectors.SearchResult;
import io.hartonomous.storage.contract.vectors.VectorStore;
import io.hartonomous.storage.engine.SpatialCells;
import io.hartonomous.storage.engine.jdbc.Binder;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Embeddings on H2. Exact search scans every visible embedding with SIMD distances; hybrid search takes the
 * candidates nearest the query's projected point from the spatial index ({@link SpatialCandidates}, points in the
 * narrow EmbeddingPoints table) and reranks them exactly.
 */
record EmbeddedVectorStore(String tenantId, UnitOfWork tx, LandmarkProjection projection) implements VectorStore {
    /** Candidates hybrid mode reranks when the request does not say: enough for k up to 50 at high recall. */
    static final int DEFAULT_MIN_CANDIDATES = 1000;
    static final int CANDIDATES_PER_RESULT = 20;

    @Override
    public AtomEmbedding put(NewEmbedding embedding) {
        return tx.inTransaction("put", c -> {
            long id = insert(c, List.of(embedding)).getFirst();
            return load(c, "e.EmbeddingId = ?", q -> q.setLong(1, id)).getFirst();
        });
    }

    @Override
    public int putAll(List<NewEmbedding> embeddings) {
        if (embeddings.isEmpty()) {
            return 0;
        }
        return tx.inTransaction("putAll", c -> insert(c, embeddings).size());
    }

    /** Replaces and inserts the embeddings (the last one per atom, type and owner) with their points; new ids. */
    private List<Long> insert(Connection c, List<NewEmbedding> embeddings) throws SQLException {
        Map<List<Object>, NewEmbedding> last = new LinkedHashMap<>();
        for (NewEmbedding e : embeddings) {
            last.put(Arrays.asList(e.atomId(), e.embeddingType(), owner(e)), e);
        }
        List<NewEmbedding> batch = new ArrayList<>(last.values());
        requireVisibleAtoms(c, batch.stream().mapToLong(NewEmbedding::atomId).distinct().toArray());
        Map<String, LandmarkProjection.Landmarks> landmarks = new HashMap<>();
        for (NewEmbedding e : batch) {
            if (!landmarks.containsKey(e.embeddingType())) {
                landmarks.put(e.embeddingType(), projection.forWrite(c, e.embeddingType()));
            }
        }
        SpatialCells.Point[] points = new SpatialCells.Point[batch.size()];
        IntStream.range(0, batch.size()).parallel().forEach(i -> points[i] = SpatialCells.project(
                landmarks.get(batch.get(i).embeddingType()).vectors(), batch.get(i).vector()));
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM AtomEmbeddings WHERE AtomId = ? AND "
                + "EmbeddingType = ? AND TenantId IS NOT DISTINCT FROM ?")) {
            for (NewEmbedding e : batch) {
                ps.setLong(1, e.atomId());
                ps.setString(2, e.embeddingType());
                ps.setString(3, owner(e));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        List<Long> ids = new ArrayList<>(batch.size());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO AtomEmbeddings (AtomId, TenantId, "
                + "EmbeddingType, Dimension, EmbeddingVector) VALUES (?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            for (NewEmbedding e : batch) {
                ps.setLong(1, e.atomId());
                ps.setString(2, owner(e));
                ps.setString(3, e.embeddingType());
                ps.setInt(4, e.vector().length);
                ps.setBytes(5, FloatCodec.encode(e.vector()));
                ps.addBatch();
            }
            ps.executeBatch();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                while (keys.next()) {
                    ids.add(keys.getLong(1));
                }
            }
        }
        if (ids.size() != batch.size()) {
            throw new IllegalStateException("expected " + batch.size() + " generated ids, got " + ids.size());
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO EmbeddingPoints (EmbeddingId, EmbeddingType, "
                + "ProjectionX, ProjectionY) VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < batch.size(); i++) {
                ps.setLong(1, ids.get(i));
                ps.setString(2, batch.get(i).embeddingType());
                ps.setDouble(3, points[i].x());
                ps.setDouble(4, points[i].y());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return ids;
    }

    private String owner(NewEmbedding e) {
        return e.builtIn() ? null : tenantId;
    }

    /**
     * Derives the type's landmarks from its first {@link SpatialCells#SAMPLE} embeddings (by id, every tenant's),
     * then re-projects every embedding of the type: assignments are computed outside the transaction, then the
     * landmark set is locked (puts of the type wait), embeddings stored meanwhile are assigned too, and the new
     * landmarks and every point are written in one transaction.
     */
    @Override
    public ProjectionRebuild rebuildProjection(String embeddingType) {
        if (embeddingType == null || embeddingType.isBlank()) {
            throw new IllegalArgumentException("embeddingType is required");
        }
        List<float[]> sample = new ArrayList<>();
        long count = tx.read("rebuildProjection", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT EmbeddingVector FROM AtomEmbeddings "
                    + "WHERE EmbeddingType = ? ORDER BY EmbeddingId FETCH FIRST ? ROWS ONLY")) {
                ps.setString(1, embeddingType);
                ps.setInt(2, SpatialCells.SAMPLE);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sample.add(FloatCodec.decode(rs.getBytes(1)));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) FROM EmbeddingPoints WHERE EmbeddingType = ?")) {
                ps.setString(1, embeddingType);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        if (sample.isEmpty()) {
            throw new NotFoundException("no embeddings of type '" + embeddingType + "'");
        }
        long trainedOn = sample.size();
        float[][] landmarks = SpatialCells.train(embeddingType, sample, SpatialCells.cellsFor(count));
        sample.clear();
        Assignments assigned = new Assignments();
        tx.read("rebuildProjection", c -> assign(c, embeddingType, landmarks, 0, assigned));
        return tx.inTransaction("rebuildProjection", c -> {
            projection.forWrite(c, embeddingType);
            Assignments all = assigned.copy();
            assign(c, embeddingType, landmarks, all.maxId, all);
            LandmarkProjection.Landmarks replaced = projection.replace(c, embeddingType, landmarks, trainedOn);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE EmbeddingPoints SET ProjectionX = ?, ProjectionY = ? WHERE EmbeddingId = ?")) {
                for (int i = 0; i < all.size; i++) {
                    ps.setDouble(1, all.cells[i]);
                    ps.setDouble(2, all.distances[i]);
                    ps.setLong(3, all.ids[i]);
                    ps.addBatch();
                    if (i % 1024 == 1023) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            return new ProjectionRebuild(embeddingType, replaced.generation(), landmarks.length, trainedOn, all.size);
        });
    }

    /** Embedding ids with their cell and distance, growing. */
    private static final class Assignments {
        long[] ids = new long[1024];
        int[] cells = new int[1024];
        double[] distances = new double[1024];
        int size;
        long maxId;

        void add(long id, SpatialCells.Point p) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
                cells = Arrays.copyOf(cells, size * 2);
                distances = Arrays.copyOf(distances, size * 2);
            }
            ids[size] = id;
            cells[size] = p.cell();
            distances[size] = p.distance();
            size++;
            maxId = Math.max(maxId, id);
        }

        Assignments copy() {
            Assignments a = new Assignments();
            a.ids = ids.clone();
            a.cells = cells.clone();
            a.distances = distances.clone();
            a.size = size;
            a.maxId = maxId;
            return a;
        }
    }

    /** Assigns every embedding of the type with an id above {@code after}, a block at a time in parallel. */
    private static Void assign(Connection c, String type, float[][] landmarks, long after, Assignments into)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EmbeddingId, EmbeddingVector FROM AtomEmbeddings "
                + "WHERE EmbeddingType = ? AND EmbeddingId > ? ORDER BY EmbeddingId")) {
            ps.setFetchSize(512);
            ps.setString(1, type);
            ps.setLong(2, after);
            try (ResultSet rs = ps.executeQuery()) {
                List<Long> ids = new ArrayList<>(512);
                List<float[]> vectors = new ArrayList<>(512);
                boolean more = true;
                while (more) {
                    more = rs.next();
                    if (more) {
                        ids.add(rs.getLong(1));
                        vectors.add(FloatCodec.decode(rs.getBytes(2)));
                    }
                    if (vectors.size() == 512 || (!more && !vectors.isEmpty())) {
                        SpatialCells.Point[] points = new SpatialCells.Point[vectors.size()];
                        IntStream.range(0, points.length).parallel()
                                .forEach(i -> points[i] = SpatialCells.project(landmarks, vectors.get(i)));
                        for (int i = 0; i < points.length; i++) {
                            into.add(ids.get(i), points[i]);
                        }
                        ids.clear();
                        vectors.clear();
                    }
                }
            }
        }
        return null;
    }

    @Override
    public List<AtomEmbedding> embeddings(long atomId) {
        return tx.read("embeddings", c -> {
            requireVisibleAtom(c, atomId);
            return load(c, "e.AtomId = ? AND (e.TenantId IS NULL OR e.TenantId = ?)", ps -> {
                ps.setLong(1, atomId);
                ps.setString(2, tenantId);
            });
        });
    }

    private List<AtomEmbedding> load(Connection c, String condition, Binder<PreparedStatement> binder)
            throws SQLException {
        List<AtomEmbedding> list = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT e.AtomId, e.EmbeddingType, e.Dimension, "
                + "e.EmbeddingVector, e.TenantId, p.ProjectionX, p.ProjectionY, e.CreatedAt FROM AtomEmbeddings e "
                + "JOIN EmbeddingPoints p ON p.EmbeddingId = e.EmbeddingId WHERE " + condition
                + " ORDER BY e.EmbeddingType, e.EmbeddingId")) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new AtomEmbedding(rs.getLong("AtomId"), rs.getString("EmbeddingType"),
                            rs.getInt("Dimension"), FloatCodec.decode(rs.getBytes("EmbeddingVector")),
                            rs.getString("TenantId"), rs.getDouble("ProjectionX"), rs.getDouble("ProjectionY"),
                            Rows.RECORDS.instant(rs, "CreatedAt")));
                }
            }
        }
        return list;
    }

    private void requireVisibleAtom(Connection c, long atomId) throws SQLException {
        requireVisibleAtoms(c, new long[] {atomId});
    }

    private void requireVisibleAtoms(Connection c, long[] atomIds) throws SQLException {
        Set<Long> visible = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.AtomId FROM TABLE(I BIGINT = ?) t "
                + "JOIN Atoms a ON a.AtomId = t.I WHERE " + Visibility.ATOM)) {
            ps.setObject(1, Arrays.stream(atomIds).boxed().toArray(Long[]::new));
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    visible.add(rs.getLong(1));
                }
            }
        }
        for (long id : atomIds) {
            if (!visible.contains(id)) {
                throw new NotFoundException("atom " + id + " not found");
            }
        }
    }

    @Override
    public SearchResult search(SearchRequest request) {
        return request.mode() == SearchMode.EXACT ? exact(request) : hybrid(request);
    }

    /** Filters every search applies: visibility and the request's optional filters (each binds in order). */
    private record Filter(String sql, List<Object> params) {
        static Filter of(SearchRequest r, String tenantId) {
            Filter atoms = atoms(r, tenantId);
            StringBuilder sql = new StringBuilder("(e.TenantId IS NULL OR e.TenantId = ?)");
            List<Object> params = new ArrayList<>(List.of(tenantId));
            if (r.embeddingType() != null) {
                sql.append(" AND e.EmbeddingType = ?");
                params.add(r.embeddingType());
            }
            sql.append(" AND ").append(atoms.sql());
            params.addAll(atoms.params());
            return new Filter(sql.toString(), params);
        }

        /** The atoms' own filters only: visibility, modality, subtype, time (for atoms aliased {@code a}). */
        static Filter atoms(SearchRequest r, String tenantId) {
            StringBuilder sql = new StringBuilder(Visibility.ATOM);
            List<Object> params = new ArrayList<>(List.of(tenantId));
            if (r.modality() != null) {
                sql.append(" AND a.Modality = ?");
                params.add(r.modality().wireName());
            }
            if (r.subtype() != null) {
                sql.append(" AND a.Subtype = ?");
                params.add(r.subtype());
            }
            if (r.createdFrom() != null) {
                sql.append(" AND a.CreatedAt >= ?");
                params.add(r.createdFrom().atOffset(java.time.ZoneOffset.UTC));
            }
            if (r.createdTo() != null) {
                sql.append(" AND a.CreatedAt < ?");
                params.add(r.createdTo().atOffset(java.time.ZoneOffset.UTC));
            }
            return new Filter(sql.toString(), params);
        }

        /** Which of these atoms pass this (atoms-only) filter. */
        Set<Long> passing(Connection c, Long[] atomIds) throws SQLException {
            Set<Long> passing = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT a.AtomId FROM TABLE(I BIGINT = ?) t "
                    + "JOIN Atoms a ON a.AtomId = t.I WHERE " + sql)) {
                ps.setObject(1, atomIds);
                bind(ps, 2);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        passing.add(rs.getLong(1));
                    }
                }
            }
            return passing;
        }

        int bind(PreparedStatement ps, int first) throws SQLException {
            int i = first;
            for (Object p : params) {
                ps.setObject(i++, p);
            }
            return i;
        }
    }

    private record Scored(long atomId, String type, double distance) {
    }

    private static final Comparator<Scored> FARTHEST_FIRST = Comparator.comparingDouble(Scored::distance).reversed();

    private SearchResult exact(SearchRequest r) {
        Filter filter = Filter.of(r, tenantId);
        return tx.read("exact", c -> {
            PriorityQueue<Scored> best = new PriorityQueue<>(FARTHEST_FIRST);
            long scanned = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT e.AtomId, e.EmbeddingType, e.EmbeddingVector "
                    + "FROM AtomEmbeddings e JOIN Atoms a ON a.AtomId = e.AtomId WHERE " + filter.sql())) {
                ps.setFetchSize(1024);
                filter.bind(ps, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        scanned++;
                        offer(best, r.k(), new Scored(rs.getLong(1), rs.getString(2),
                                Distances.distance(r.metric(), r.vector(), FloatCodec.decode(rs.getBytes(3)))));
                    }
                }
            }
            return result(best, scanned, SearchMode.EXACT);
        });
    }

    /**
     * Reranks the spatial candidates by exact distance, then applies the atoms' filters (visibility, modality,
     * subtype, time) to the nearest first, a block at a time, until k pass: a candidate costs one primary-key read
     * of its embedding, and only the few nearest also one of their atom.
     */
    private SearchResult hybrid(SearchRequest r) {
        int wanted = r.candidates() > 0 ? r.candidates()
                : Math.max(DEFAULT_MIN_CANDIDATES, r.k() * CANDIDATES_PER_RESULT);
        Filter atoms = Filter.atoms(r, tenantId);
        return tx.read("hybrid", c -> {
            List<Long> candidates = SpatialCandidates.nearest(c, projection, r, wanted);
            List<Scored> scored = new ArrayList<>(candidates.size());
            for (int from = 0; from < candidates.size(); from += 512) {
                List<Long> slice = candidates.subList(from, Math.min(candidates.size(), from + 512));
                // The candidate ids join the primary key (a lookup each); = ANY(?) would scan every embedding.
                try (PreparedStatement ps = c.prepareStatement("SELECT e.AtomId, e.EmbeddingType, "
                        + "e.EmbeddingVector FROM TABLE(I BIGINT = ?) t JOIN AtomEmbeddings e ON e.EmbeddingId = t.I "
                        + "WHERE e.TenantId IS NULL OR e.TenantId = ?")) {
                    ps.setObject(1, slice.toArray(Long[]::new));
                    ps.setString(2, tenantId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            scored.add(new Scored(rs.getLong(1), rs.getString(2),
                                    Distances.distance(r.metric(), r.vector(), FloatCodec.decode(rs.getBytes(3)))));
                        }
                    }
                }
            }
            scored.sort(Comparator.comparingDouble(Scored::distance).thenComparingLong(Scored::atomId));
            List<SearchHit> hits = new ArrayList<>(r.k());
            int block = Math.max(64, 2 * r.k());
            for (int from = 0; from < scored.size() && hits.size() < r.k(); from += block) {
                List<Scored> slice = scored.subList(from, Math.min(scored.size(), from + block));
                Set<Long> passing = atoms.passing(c, slice.stream().map(Scored::atomId).distinct().toArray(Long[]::new));
                for (Scored s : slice) {
                    if (hits.size() < r.k() && passing.contains(s.atomId())) {
                        hits.add(new SearchHit(s.atomId(), s.type(), s.distance()));
                    }
                }
            }
            return new SearchResult(hits, scored.size(), SearchMode.HYBRID);
        });
    }

    private static void offer(PriorityQueue<Scored> best, int k, Scored s) {
        if (best.size() < k) {
            best.add(s);
        } else if (s.distance() < best.peek().distance()) {
            best.poll();
            best.add(s);
        }
    }

    private static SearchResult result(PriorityQueue<Scored> best, long examined, SearchMode mode) {
        List<Scored> sorted = new ArrayList<>(best);
        sorted.sort(Comparator.comparingDouble(Scored::distance).thenComparingLong(Scored::atomId));
        List<SearchHit> hits = sorted.stream().map(s -> new SearchHit(s.atomId(), s.type(), s.distance())).toList();
        return new SearchResult(hits, examined, mode);
    }
}
