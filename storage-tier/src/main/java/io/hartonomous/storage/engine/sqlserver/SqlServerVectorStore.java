package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.vectors.AtomEmbedding;
import io.hartonomous.storage.contract.vectors.EmbeddingVector;
import io.hartonomous.storage.contract.vectors.NewEmbedding;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.vectors.ProjectionRebuild;
import io.hartonomous.storage.contract.vectors.SearchHit;
import io.hartonomous.storage.contract.vectors.SearchMode;
import io.hartonomous.storage.contract.vectors.SearchRequest;
import io.hartonomous.storage.contract.vectors.SearchResult;
import io.hartonomous.storage.contract.StorageException;
import io.hartonomous.storage.contract.vectors.VectorStore;
import io.hartonomous.storage.engine.SpatialCells;
import microsoft.sql.Vector;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * Embeddings and search through sql/073: exact search is VECTOR_DISTANCE over every visible embedding
 * (dbo.sp_ExactVectorSearch); hybrid search takes the embeddings whose projected points lie nearest the query's
 * on the spatial index and reranks them exactly (dbo.sp_HybridSearch). Projections (cell of the nearest landmark,
 * distance to it) are computed by the server; landmarks are derived from the data by {@link #rebuildProjection} with
 * the embedded engine's algorithm ({@link SpatialCells}), so both engines derive the same ones from the same rows.
 */
record SqlServerVectorStore(Session session, Landmarks landmarks) implements VectorStore {
    @Override
    public AtomEmbedding put(NewEmbedding embedding) {
        Procedure p = Procedures.PUT_EMBEDDING;
        return session.run(p.name(), c -> {
            landmarks.ensure(c, embedding.embeddingType());
            try (ProcedureCall call = ProcedureCall.prepare(c, p)) {
                call.setLong("AtomId", embedding.atomId())
                        .setString("EmbeddingType", embedding.embeddingType())
                        .setInt("Dimension", embedding.vector().length)
                        .setVector("Vector", embedding.vector())
                        .setBoolean("BuiltIn", embedding.builtIn());
                List<AtomEmbedding> stored = call.query(SqlServerVectorStore::embedding);
                if (stored.size() != 1) {
                    throw new StorageException(p.name() + " returned " + stored.size() + " embeddings");
                }
                return stored.getFirst();
            }
        });
    }

    @Override
    public List<AtomEmbedding> embeddings(long atomId) {
        return session.list(Procedures.GET_EMBEDDINGS, call -> call.setLong("AtomId", atomId),
                SqlServerVectorStore::embedding);
    }

    static AtomEmbedding embedding(ResultSet rs) throws SQLException {
        int dimension = rs.getInt("Dimension");
        float[] vector = VectorCodec.fromVector(rs.getObject("EmbeddingVector", Vector.class), dimension);
        return new AtomEmbedding(rs.getLong("AtomId"), rs.getString("EmbeddingType"), dimension, vector,
                rs.getString("TenantId"), rs.getDouble("ProjectionX"), rs.getDouble("ProjectionY"),
                SqlRows.RECORDS.instant(rs, "CreatedAt"));
    }

    /** A result row: the hit and how many distances the procedure computed (the same on every row). */
    private record Ranked(SearchHit hit, long examined) {
    }

    @Override
    public SearchResult search(SearchRequest r) {
        boolean exact = r.mode() == SearchMode.EXACT;
        Procedure p = exact ? Procedures.EXACT_VECTOR_SEARCH : Procedures.HYBRID_SEARCH;
        List<Ranked> rows = session.list(p, call -> {
            call.setVector("Vector", r.vector())
                    .setInt("K", r.k())
                    .setString("Metric", r.metric().name().toLowerCase(Locale.ROOT))
                    .setString("EmbeddingType", r.embeddingType())
                    .setString("Modality", r.modality() == null ? null : r.modality().wireName())
                    .setString("Subtype", r.subtype())
                    .setInstant("CreatedFrom", r.createdFrom())
                    .setInstant("CreatedTo", r.createdTo());
            if (!exact) {
                call.setInt("Candidates", r.candidates());
            }
        }, rs -> new Ranked(new SearchHit(rs.getLong("AtomId"), rs.getString("EmbeddingType"),
                rs.getDouble("Distance")), rs.getLong("Examined")));
        long examined = rows.isEmpty() ? 0 : rows.getFirst().examined();
        return new SearchResult(rows.stream().map(Ranked::hit).toList(), examined, r.mode());
    }

    /**
     * Samples the type's first embeddings (every tenant's, on the server), trains the landmarks here with the shared
     * algorithm and hands them to the server, which replaces them and re-projects the whole type in one transaction.
     */
    @Override
    public ProjectionRebuild rebuildProjection(String embeddingType) {
        if (embeddingType == null || embeddingType.isBlank()) {
            throw new IllegalArgumentException("embeddingType is required");
        }
        long[] typeCount = new long[1];
        List<float[]> sample = session.list(Procedures.GET_SPATIAL_LANDMARK_SAMPLE,
                call -> call.setString("EmbeddingType", embeddingType).setInt("Top", SpatialCells.SAMPLE), rs -> {
                    typeCount[0] = rs.getLong("TypeCount");
                    return VectorCodec.fromVector(rs.getObject("EmbeddingVector", Vector.class),
                            EmbeddingVector.MAX_DIMENSION);
                });
        if (sample.isEmpty()) {
            throw new NotFoundException("no embeddings of type '" + embeddingType + "'");
        }
        float[][] trained = SpatialCells.train(embeddingType, sample, SpatialCells.cellsFor(typeCount[0]));
        String json = landmarksJson(trained);
        long[] result = session.single(Procedures.REPLACE_SPATIAL_LANDMARKS,
                call -> call.setString("EmbeddingType", embeddingType).setString("Landmarks", json),
                rs -> new long[] {rs.getLong("Landmarks"), rs.getLong("Reprojected")});
        return new ProjectionRebuild(embeddingType, 0, (int) result[0], sample.size(), result[1]);
    }

    /** Landmarks as the JSON array of 1998-number arrays that dbo.sp_ReplaceSpatialLandmarks casts to VECTOR. */
    static String landmarksJson(float[][] landmarks) {
        StringBuilder json = new StringBuilder(landmarks.length * EmbeddingVector.MAX_DIMENSION * 12);
        json.append('[');
        for (int l = 0; l < landmarks.length; l++) {
            json.append(l == 0 ? "[" : ",[");
            float[] padded = java.util.Arrays.copyOf(landmarks[l], EmbeddingVector.MAX_DIMENSION);
            for (int i = 0; i < padded.length; i++) {
                if (i > 0) {
                    json.append(',');
                }
                json.append(padded[i]);
            }
            json.append(']');
        }
        return json.append(']').toString();
    }
}
