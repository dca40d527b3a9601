package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.inference.NewReasoningRun;
import io.hartonomous.storage.contract.reasoning.AtomConcept;
import io.hartonomous.storage.contract.reasoning.Concept;
import io.hartonomous.storage.contract.reasoning.ConceptDetail;
import io.hartonomous.storage.contract.reasoning.ConceptGeneration;
import io.hartonomous.storage.contract.reasoning.ConceptMember;
import io.hartonomous.storage.contract.reasoning.ConceptStore;
import io.hartonomous.storage.contract.reasoning.DiscoverRequest;
import io.hartonomous.storage.contract.reasoning.Discovery;
import io.hartonomous.storage.contract.reasoning.Evolution;
import io.hartonomous.storage.contract.vectors.VectorStore;
import io.hartonomous.storage.engine.jdbc.ConceptRows;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;
import io.hartonomous.storage.engine.reasoning.ConceptDiscovery;
import io.hartonomous.storage.engine.reasoning.ConceptPlan;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.io.WKTWriter;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Concepts on H2 (script 181). Discovery reads the tenant's points and their neighbourhoods through its own vector
 * store (hybrid or exact search), plans the generation in {@link ConceptDiscovery}, and writes it in one transaction
 * with its inference record, evidence and provenance ({@link EmbeddedInferenceStore}). Domains are GEOMETRY with a
 * spatial index: {@code &&} finds the candidates, JTS decides.
 */
record EmbeddedConceptStore(String tenantId, UnitOfWork tx, VectorStore vectors, EmbeddedInferenceStore inference)
        implements ConceptStore {
    private static final GeometryFactory GEOMETRY = new GeometryFactory();
    private static final String CONCEPT_COLUMNS = "c.ConceptId, c.GenerationId, g.Generation, g.EmbeddingType, "
            + "c.Ordinal, c.MemberCount, c.Coherence, c.Dimension, c.Centroid, c.CentroidX, c.CentroidY, c.Domain";

    @Override
    public Discovery discover(DiscoverRequest request) {
        long started = System.nanoTime();
        List<ConceptDiscovery.Point> points = tx.read("conceptPoints", c -> points(c, request.embeddingType()));
        Optional<ConceptGeneration> previous = generation(request.embeddingType(), null);
        Map<Long, Long> membership = new HashMap<>();
        List<Long> previousConcepts = new ArrayList<>();
        if (previous.isPresent()) {
            tx.read("previousConcepts", c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT c.ConceptId, ac.AtomId FROM Concepts c "
                        + "LEFT JOIN AtomConcepts ac ON ac.ConceptId = c.ConceptId WHERE c.GenerationId = ? "
                        + "AND c.TenantId = ? ORDER BY c.ConceptId")) {
                    ps.setLong(1, previous.get().generationId());
                    ps.setString(2, tenantId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long concept = rs.getLong(1);
                            if (previousConcepts.isEmpty() || previousConcepts.getLast() != concept) {
                                previousConcepts.add(concept);
                            }
                            long atom = rs.getLong(2);
                            if (!rs.wasNull()) {
                                membership.put(atom, concept);
                            }
                        }
                    }
                }
                return null;
            });
        }
        ConceptPlan plan = ConceptDiscovery.plan(points, request, ConceptDiscovery.through(vectors, request),
                membership, previousConcepts);
        return tx.inTransaction("discoverConcepts", c -> {
            int generation = nextGeneration(c, request.embeddingType(), previous.orElse(null));
            long inferenceId = inference.insertReasoning(c, ConceptRows.OPERATION, null, plan.points());
            long generationId;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ConceptGenerations (TenantId, EmbeddingType, "
                    + "Generation, InferenceId, Metric, Eps, MinPts, ConceptCount, NoiseCount, CreatedAt) "
                    + "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, CreatedAt FROM Inferences WHERE InferenceId = ?",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, tenantId);
                ps.setString(2, request.embeddingType());
                ps.setInt(3, generation);
                ps.setLong(4, inferenceId);
                ps.setString(5, ConceptRows.metricName(request));
                ps.setDouble(6, request.eps());
                ps.setInt(7, request.minPts());
                ps.setInt(8, plan.concepts().size());
                ps.setInt(9, plan.noise().size());
                ps.setLong(10, inferenceId);
                ps.executeUpdate();
                generationId = EmbeddedIngestWrites.generatedKey(ps);
            }
            List<Long> conceptIds = writeConcepts(c, generationId, plan);
            writeEvolution(c, generationId, plan, conceptIds);
            inference.recordEvidence(c, inferenceId, new NewReasoningRun(ConceptRows.OPERATION, null, plan.points(),
                    List.of(), ConceptRows.evidence(plan, conceptIds)));
            inference.succeed(c, inferenceId, (System.nanoTime() - started) / 1_000_000,
                    ConceptRows.summary(plan, generation));
            ConceptGeneration g = generation(c, generationId).orElseThrow();
            return new Discovery(g, concepts(c, generationId), plan.noise(), evolution(c, generationId));
        });
    }

    /**
     * The next generation number, after checking that no other discover run recorded one since this run read the
     * previous generation (its evolution is computed against that one).
     */
    private int nextGeneration(Connection c, String type, ConceptGeneration previous) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(Generation) FROM ConceptGenerations "
                + "WHERE TenantId = ? AND EmbeddingType = ?")) {
            ps.setString(1, tenantId);
            ps.setString(2, type);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int last = rs.getInt(1);
                if (last != (previous == null ? 0 : previous.generation())) {
                    throw new ConflictException("another discover run of " + type + " recorded generation " + last
                            + " meanwhile; run it again");
                }
                return last + 1;
            }
        }
    }

    /** Every embedding of the type the tenant sees, one per atom (its own before a built-in one). */
    private List<ConceptDiscovery.Point> points(Connection c, String type) throws SQLException {
        Map<Long, ConceptDiscovery.Point> points = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT e.AtomId, e.Dimension, e.EmbeddingVector, "
                + "p.ProjectionX, p.ProjectionY FROM AtomEmbeddings e JOIN EmbeddingPoints p "
                + "ON p.EmbeddingId = e.EmbeddingId JOIN Atoms a ON a.AtomId = e.AtomId "
                + "WHERE e.EmbeddingType = ? AND (e.TenantId IS NULL OR e.TenantId = ?) AND " + Visibility.ATOM
                + " ORDER BY e.AtomId, CASE WHEN e.TenantId IS NULL THEN 1 ELSE 0 END")) {
            ps.setFetchSize(Rows.FETCH_SIZE);
            ps.setString(1, type);
            ps.setString(2, tenantId);
            ps.setString(3, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long atom = rs.getLong(1);
                    if (!points.containsKey(atom)) {
                        float[] v = Arrays.copyOf(FloatCodec.decode(rs.getBytes(3)), rs.getInt(2));
                        points.put(atom, new ConceptDiscovery.Point(atom, v, rs.getDouble(4), rs.getDouble(5)));
                    }
                }
            }
        }
        return List.copyOf(points.values());
    }

    private List<Long> writeConcepts(Connection c, long generationId, ConceptPlan plan) throws SQLException {
        List<Long> ids = new ArrayList<>(plan.concepts().size());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO Concepts (GenerationId, TenantId, Ordinal, "
                + "MemberCount, Coherence, Dimension, Centroid, CentroidX, CentroidY, Domain) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS GEOMETRY))", Statement.RETURN_GENERATED_KEYS);
             PreparedStatement members = c.prepareStatement("INSERT INTO AtomConcepts (ConceptId, AtomId, TenantId, "
                     + "Similarity) VALUES (?, ?, ?, ?)")) {
            for (ConceptPlan.Planned p : plan.concepts()) {
                ps.setLong(1, generationId);
                ps.setString(2, tenantId);
                ps.setInt(3, p.ordinal());
                ps.setInt(4, p.members().length);
                ps.setDouble(5, p.coherence());
                ps.setInt(6, p.centroid().length);
                ps.setBytes(7, FloatCodec.encode(p.centroid()));
                ps.setDouble(8, p.x());
                ps.setDouble(9, p.y());
                ps.setString(10, p.domainWkt());
                ps.executeUpdate();
                long id = EmbeddedIngestWrites.generatedKey(ps);
                ids.add(id);
                for (int m = 0; m < p.members().length; m++) {
                    members.setLong(1, id);
                    members.setLong(2, p.members()[m]);
                    members.setString(3, tenantId);
                    members.setDouble(4, p.similarity()[m]);
                    members.addBatch();
                }
                members.executeBatch();
            }
        }
        return ids;
    }

    private void writeEvolution(Connection c, long generationId, ConceptPlan plan, List<Long> conceptIds)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ConceptEvolution (GenerationId, Ordinal, "
                + "TenantId, Kind, FromConceptId, ToConceptId, SharedMembers) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            int ordinal = 0;
            for (ConceptPlan.Step s : plan.evolution()) {
                ps.setLong(1, generationId);
                ps.setInt(2, ordinal++);
                ps.setString(3, tenantId);
                ps.setString(4, s.kind().name());
                ps.setObject(5, s.fromConceptId(), java.sql.Types.BIGINT);
                ps.setObject(6, s.toOrdinal() == null ? null : conceptIds.get(s.toOrdinal()), java.sql.Types.BIGINT);
                ps.setInt(7, s.sharedMembers());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public Optional<ConceptGeneration> generation(String embeddingType, Instant asOf) {
        return tx.read("conceptGeneration", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + ConceptRows.GENERATION_COLUMNS
                    + " FROM ConceptGenerations g WHERE g.TenantId = ? AND g.EmbeddingType = ? "
                    + "AND (CAST(? AS TIMESTAMP WITH TIME ZONE) IS NULL OR g.CreatedAt <= ?) "
                    + "ORDER BY g.Generation DESC FETCH FIRST 1 ROW ONLY")) {
                ps.setString(1, tenantId);
                ps.setString(2, embeddingType);
                Rows.setInstant(ps, 3, asOf);
                Rows.setInstant(ps, 4, asOf);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(ConceptRows.generation(Rows.RECORDS, rs)) : Optional.empty();
                }
            }
        });
    }

    private Optional<ConceptGeneration> generation(Connection c, long generationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + ConceptRows.GENERATION_COLUMNS
                + " FROM ConceptGenerations g WHERE g.GenerationId = ? AND g.TenantId = ?")) {
            ps.setLong(1, generationId);
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(ConceptRows.generation(Rows.RECORDS, rs)) : Optional.empty();
            }
        }
    }

    @Override
    public List<Concept> concepts(long generationId) {
        return tx.read("concepts", c -> concepts(c, generationId));
    }

    private List<Concept> concepts(Connection c, long generationId) throws SQLException {
        return select(c, "c.GenerationId = ? ORDER BY c.Ordinal", generationId);
    }

    private List<Concept> select(Connection c, String where, long id) throws SQLException {
        List<Concept> concepts = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + CONCEPT_COLUMNS + " FROM Concepts c "
                + "JOIN ConceptGenerations g ON g.GenerationId = c.GenerationId WHERE c.TenantId = ? AND " + where)) {
            ps.setString(1, tenantId);
            ps.setLong(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    concepts.add(concept(rs));
                }
            }
        }
        return concepts;
    }

    private static Concept concept(ResultSet rs) throws SQLException {
        float[] centroid = Arrays.copyOf(FloatCodec.decode(rs.getBytes("Centroid")), rs.getInt("Dimension"));
        return new Concept(rs.getLong("ConceptId"), rs.getLong("GenerationId"), rs.getInt("Generation"),
                rs.getString("EmbeddingType"), rs.getInt("Ordinal"), rs.getInt("MemberCount"),
                rs.getDouble("Coherence"), centroid, rs.getDouble("CentroidX"), rs.getDouble("CentroidY"),
                new WKTWriter().write(GeometryReader.column(rs, "Domain")));
    }

    @Override
    public List<Evolution> evolution(long generationId) {
        return tx.read("conceptEvolution", c -> evolution(c, generationId));
    }

    private List<Evolution> evolution(Connection c, long generationId) throws SQLException {
        List<Evolution> steps = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT Kind, FromConceptId, ToConceptId, SharedMembers "
                + "FROM ConceptEvolution WHERE GenerationId = ? AND TenantId = ? ORDER BY Ordinal")) {
            ps.setLong(1, generationId);
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    steps.add(ConceptRows.evolution(rs));
                }
            }
        }
        return steps;
    }

    @Override
    public Optional<ConceptDetail> concept(long conceptId) {
        return tx.read("concept", c -> {
            List<Concept> found = select(c, "c.ConceptId = ?", conceptId);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            Concept concept = found.getFirst();
            List<ConceptMember> members = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT AtomId, Similarity FROM AtomConcepts "
                    + "WHERE ConceptId = ? AND TenantId = ? ORDER BY Similarity DESC, AtomId")) {
                ps.setLong(1, conceptId);
                ps.setString(2, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        members.add(new ConceptMember(rs.getLong(1), rs.getDouble(2)));
                    }
                }
            }
            // Neighbours: the generation's other domains that touch this one (share an edge or a corner).
            List<Long> neighbours = new ArrayList<>();
            Geometry domain = GeometryReader.read(concept.domainWkt());
            try (PreparedStatement ps = c.prepareStatement("SELECT ConceptId, Domain FROM Concepts "
                    + "WHERE GenerationId = ? AND TenantId = ? AND ConceptId <> ? "
                    + "AND Domain && CAST(? AS GEOMETRY) ORDER BY Ordinal")) {
                ps.setLong(1, concept.generationId());
                ps.setString(2, tenantId);
                ps.setLong(3, conceptId);
                ps.setString(4, concept.domainWkt());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (domain.intersects(GeometryReader.column(rs, "Domain"))) {
                            neighbours.add(rs.getLong(1));
                        }
                    }
                }
            }
            return Optional.of(new ConceptDetail(concept, members, neighbours));
        });
    }

    @Override
    public Optional<Concept> at(String embeddingType, double x, double y, Instant asOf) {
        Optional<ConceptGeneration> generation = generation(embeddingType, asOf);
        if (generation.isEmpty()) {
            return Optional.empty();
        }
        Geometry point = GEOMETRY.createPoint(new Coordinate(x, y));
        return tx.read("conceptAt", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + CONCEPT_COLUMNS + " FROM Concepts c "
                    + "JOIN ConceptGenerations g ON g.GenerationId = c.GenerationId WHERE c.GenerationId = ? "
                    + "AND c.TenantId = ? AND c.Domain && CAST(? AS GEOMETRY) ORDER BY c.Ordinal")) {
                ps.setLong(1, generation.get().generationId());
                ps.setString(2, tenantId);
                ps.setString(3, point.toText());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        // A point on a shared edge is in the domain of the lower ordinal, as on SQL Server.
                        if (GeometryReader.column(rs, "Domain").intersects(point)) {
                            return Optional.of(concept(rs));
                        }
                    }
                }
            }
            return Optional.empty();
        });
    }

    @Override
    public List<AtomConcept> conceptsOf(long atomId, Instant asOf) {
        return tx.read("atomConcepts", c -> {
            List<AtomConcept> bindings = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT c.ConceptId, g.GenerationId, g.Generation, "
                    + "g.EmbeddingType, ac.Similarity FROM AtomConcepts ac JOIN Concepts c ON c.ConceptId = "
                    + "ac.ConceptId JOIN ConceptGenerations g ON g.GenerationId = c.GenerationId "
                    + "WHERE ac.TenantId = ? AND ac.AtomId = ? AND g.Generation = (SELECT MAX(g2.Generation) FROM "
                    + "ConceptGenerations g2 WHERE g2.TenantId = g.TenantId AND g2.EmbeddingType = g.EmbeddingType "
                    + "AND (CAST(? AS TIMESTAMP WITH TIME ZONE) IS NULL OR g2.CreatedAt <= ?)) "
                    + "ORDER BY g.EmbeddingType")) {
                ps.setString(1, tenantId);
                ps.setLong(2, atomId);
                Rows.setInstant(ps, 3, asOf);
                Rows.setInstant(ps, 4, asOf);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        bindings.add(new AtomConcept(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4),
                                rs.getDouble(5)));
                    }
                }
            }
            return bindings;
        });
    }
}
