package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.AtomEmbedding;
import io.hartonomous.storage.contract.NewEmbedding;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.SearchHit;
import io.hartonomous.storage.contract.SearchMode;
import io.hartonomous.storage.contract.SearchRequest;
import io.hartonomous.storage.contract.SearchResult;
import io.hartonomous.storage.contract.VectorStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Embeddings on H2. Exact search scans every visible embedding with SIMD distances; hybrid search takes the
 * candidates nearest the query's projected point from the spatial index and reranks them exactly.
 */
final class EmbeddedVectorStore implements VectorStore {
    /** Candidates hybrid mode reranks when the request does not say: enough for k up to 50 at high recall. */
    static final int DEFAULT_MIN_CANDIDATES = 1000;
    static final int CANDIDATES_PER_RESULT = 20;

    private final String tenantId;
    private final Transactions tx;
    private final LandmarkProjection projection;

    EmbeddedVectorStore(String tenantId, Transactions tx, LandmarkProjection projection) {
        this.tenantId = tenantId;
        this.tx = tx;
        this.projection = projection;
    }

    @Override
    public AtomEmbedding put(NewEmbedding embedding) {
        String owner = embedding.builtIn() ? null : tenantId;
        return tx.inTransaction(c -> {
            requireVisibleAtom(c, embedding.atomId());
            double[] point = projection.project(c, embedding.embeddingType(), embedding.vector());
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM AtomEmbeddings WHERE AtomId = ? AND "
                    + "EmbeddingType = ? AND TenantId IS NOT DISTINCT FROM ?")) {
                ps.setLong(1, embedding.atomId());
                ps.setString(2, embedding.embeddingType());
                ps.setString(3, owner);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO AtomEmbeddings (AtomId, TenantId, "
                    + "EmbeddingType, Dimension, EmbeddingVector, ProjectionX, ProjectionY) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, embedding.atomId());
                ps.setString(2, owner);
                ps.setString(3, embedding.embeddingType());
                ps.setInt(4, embedding.vector().length);
                ps.setBytes(5, FloatCodec.encode(embedding.vector()));
                ps.setDouble(6, point[0]);
                ps.setDouble(7, point[1]);
                ps.executeUpdate();
                long id = EmbeddedIngestWrites.generatedKey(ps);
                return load(c, "e.EmbeddingId = ?", q -> q.setLong(1, id)).getFirst();
            }
        });
    }

    @Override
    public List<AtomEmbedding> embeddings(long atomId) {
        return tx.read(c -> {
            requireVisibleAtom(c, atomId);
            return load(c, "e.AtomId = ? AND (e.TenantId IS NULL OR e.TenantId = ?)", ps -> {
                ps.setLong(1, atomId);
                ps.setString(2, tenantId);
            });
        });
    }

    private List<AtomEmbedding> load(Connection c, String condition, ResultStreams.Binder binder)
            throws SQLException {
        List<AtomEmbedding> list = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT e.AtomId, e.EmbeddingType, e.Dimension, "
                + "e.EmbeddingVector, e.TenantId, e.ProjectionX, e.ProjectionY, e.CreatedAt FROM AtomEmbeddings e "
                + "WHERE " + condition + " ORDER BY e.EmbeddingType, e.EmbeddingId")) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new AtomEmbedding(rs.getLong(1), rs.getString(2), rs.getInt(3),
                            FloatCodec.decode(rs.getBytes(4)), rs.getString(5), rs.getDouble(6), rs.getDouble(7),
                            Rows.instant(rs, 8)));
                }
            }
        }
        return list;
    }

    private void requireVisibleAtom(Connection c, long atomId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM Atoms a WHERE a.AtomId = ? AND " + Visibility.ATOM)) {
            ps.setLong(1, atomId);
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("atom " + atomId + " not found");
                }
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
            StringBuilder sql = new StringBuilder("(e.TenantId IS NULL OR e.TenantId = ?) AND " + Visibility.ATOM);
            List<Object> params = new ArrayList<>(List.of(tenantId, tenantId));
            if (r.embeddingType() != null) {
                sql.append(" AND e.EmbeddingType = ?");
                params.add(r.embeddingType());
            }
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
        return tx.read(c -> {
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

    private SearchResult hybrid(SearchRequest r) {
        int wanted = r.candidates() > 0 ? r.candidates()
                : Math.max(DEFAULT_MIN_CANDIDATES, r.k() * CANDIDATES_PER_RESULT);
        Filter filter = Filter.of(r, tenantId);
        return tx.read(c -> {
            List<Long> candidates = SpatialCandidates.nearest(c, projection, r, wanted);
            PriorityQueue<Scored> best = new PriorityQueue<>(FARTHEST_FIRST);
            long reranked = 0;
            for (int from = 0; from < candidates.size(); from += 512) {
                List<Long> slice = candidates.subList(from, Math.min(candidates.size(), from + 512));
                // The candidate ids join the primary key (a lookup each); = ANY(?) would scan every embedding.
                try (PreparedStatement ps = c.prepareStatement("SELECT e.AtomId, e.EmbeddingType, "
                        + "e.EmbeddingVector FROM TABLE(I BIGINT = ?) t JOIN AtomEmbeddings e ON e.EmbeddingId = t.I "
                        + "JOIN Atoms a ON a.AtomId = e.AtomId WHERE " + filter.sql())) {
                    ps.setObject(1, slice.toArray(Long[]::new));
                    filter.bind(ps, 2);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            reranked++;
                            offer(best, r.k(), new Scored(rs.getLong(1), rs.getString(2),
                                    Distances.distance(r.metric(), r.vector(), FloatCodec.decode(rs.getBytes(3)))));
                        }
                    }
                }
            }
            return result(best, reranked, SearchMode.HYBRID);
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
