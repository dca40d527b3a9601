package io.hartonomous.storage.engine.sqlserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.storage.contract.StorageException;
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
import io.hartonomous.storage.engine.reasoning.ConceptDiscovery;
import io.hartonomous.storage.engine.reasoning.ConceptPlan;
import microsoft.sql.Vector;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Concepts through sql/083. The points come from dbo.sp_ListConceptPoints and the neighbourhoods from this tenant's
 * vector store (dbo.sp_HybridSearch or dbo.sp_ExactVectorSearch); the plan is the engine-neutral
 * {@link ConceptDiscovery}'s, as on the embedded engine, and dbo.sp_RecordConceptGeneration stores it (domains as
 * GEOMETRY from their WKT) with its inference record, evidence and provenance in one transaction.
 */
record SqlServerConceptStore(Session session, VectorStore vectors) implements ConceptStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A concept of a plan as dbo.sp_RecordConceptGeneration reads it. */
    private record ConceptJson(int ordinal, double coherence, int dimension, float[] centroid, double x, double y,
                               String domain, List<MemberJson> members) {
    }

    private record MemberJson(long atomId, double similarity) {
    }

    private record StepJson(String kind, Long fromConceptId, Integer toOrdinal, int sharedMembers) {
    }

    @Override
    public Discovery discover(DiscoverRequest request) {
        long started = System.nanoTime();
        List<ConceptDiscovery.Point> points = session.list(Procedures.LIST_CONCEPT_POINTS,
                call -> call.setString("EmbeddingType", request.embeddingType()),
                rs -> new ConceptDiscovery.Point(rs.getLong("AtomId"), VectorCodec.fromVector(
                        rs.getObject("EmbeddingVector", Vector.class), rs.getInt("Dimension")),
                        rs.getDouble("ProjectionX"), rs.getDouble("ProjectionY")));
        Optional<ConceptGeneration> previous = generation(request.embeddingType(), null);
        Map<Long, Long> membership = new HashMap<>();
        List<Long> previousConcepts = new ArrayList<>();
        previous.ifPresent(g -> session.list(Procedures.GET_CONCEPT_MEMBERSHIP,
                call -> call.setLong("GenerationId", g.generationId()), rs -> {
                    long concept = rs.getLong("ConceptId");
                    if (previousConcepts.isEmpty() || previousConcepts.getLast() != concept) {
                        previousConcepts.add(concept);
                    }
                    long atom = rs.getLong("AtomId");
                    if (!rs.wasNull()) {
                        membership.put(atom, concept);
                    }
                    return concept;
                }));
        ConceptPlan plan = ConceptDiscovery.plan(points, request, ConceptDiscovery.through(vectors, request),
                membership, previousConcepts);
        int generationNumber = previous.map(ConceptGeneration::generation).orElse(0) + 1;
        ConceptGeneration g = session.single(Procedures.RECORD_CONCEPT_GENERATION, call -> call
                .setString("EmbeddingType", request.embeddingType())
                .setString("Metric", ConceptRows.metricName(request)).setDouble("Eps", request.eps())
                .setInt("MinPts", request.minPts()).setLong("Points", plan.points())
                .setIntOrNull("PreviousGeneration", previous.map(ConceptGeneration::generation).orElse(null))
                .setLong("DurationMs", (System.nanoTime() - started) / 1_000_000)
                .setString("Summary", ConceptRows.summary(plan, generationNumber))
                .setString("Concepts", write(plan.concepts().stream().map(SqlServerConceptStore::json).toList()))
                .setString("Noise", write(plan.noise()))
                .setString("Evolution", write(plan.evolution().stream().map(s -> new StepJson(s.kind().name(),
                        s.fromConceptId(), s.toOrdinal(), s.sharedMembers())).toList())),
                SqlServerConceptStore::generation);
        return new Discovery(g, concepts(g.generationId()), plan.noise(), evolution(g.generationId()));
    }

    private static ConceptJson json(ConceptPlan.Planned p) {
        List<MemberJson> members = new ArrayList<>(p.members().length);
        for (int m = 0; m < p.members().length; m++) {
            members.add(new MemberJson(p.members()[m], p.similarity()[m]));
        }
        return new ConceptJson(p.ordinal(), p.coherence(), p.centroid().length, p.centroid(), p.x(), p.y(),
                p.domainWkt(), members);
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a concept plan as JSON", e);
        }
    }

    private static ConceptGeneration generation(ResultSet rs) throws SQLException {
        return ConceptRows.generation(SqlRows.RECORDS, rs);
    }

    private static Concept concept(ResultSet rs) throws SQLException {
        float[] centroid;
        try {
            centroid = JSON.readValue(rs.getString("Centroid"), float[].class);
        } catch (JsonProcessingException e) {
            throw new StorageException("a stored centroid is not a JSON array of numbers", e);
        }
        return new Concept(rs.getLong("ConceptId"), rs.getLong("GenerationId"), rs.getInt("Generation"),
                rs.getString("EmbeddingType"), rs.getInt("Ordinal"), rs.getInt("MemberCount"),
                rs.getDouble("Coherence"), centroid, rs.getDouble("CentroidX"), rs.getDouble("CentroidY"),
                rs.getString("DomainWkt"));
    }

    @Override
    public Optional<ConceptGeneration> generation(String embeddingType, Instant asOf) {
        return session.one(Procedures.GET_CONCEPT_GENERATION, call -> call.setString("EmbeddingType", embeddingType)
                .setInstant("AsOf", asOf).setLongOrNull("GenerationId", null), SqlServerConceptStore::generation);
    }

    @Override
    public List<Concept> concepts(long generationId) {
        return session.list(Procedures.GET_CONCEPTS, call -> call.setLong("GenerationId", generationId)
                .setLongOrNull("ConceptId", null), SqlServerConceptStore::concept);
    }

    @Override
    public List<Evolution> evolution(long generationId) {
        return session.list(Procedures.GET_CONCEPT_EVOLUTION, call -> call.setLong("GenerationId", generationId),
                ConceptRows::evolution);
    }

    @Override
    public Optional<ConceptDetail> concept(long conceptId) {
        Optional<Concept> concept = session.one(Procedures.GET_CONCEPTS, call -> call.setLongOrNull("GenerationId",
                null).setLong("ConceptId", conceptId), SqlServerConceptStore::concept);
        return concept.map(c -> new ConceptDetail(c,
                session.list(Procedures.GET_CONCEPT_MEMBERS, call -> call.setLong("ConceptId", conceptId),
                        rs -> new ConceptMember(rs.getLong("AtomId"), rs.getDouble("Similarity"))),
                session.list(Procedures.GET_CONCEPT_NEIGHBOURS, call -> call.setLong("ConceptId", conceptId),
                        rs -> rs.getLong("ConceptId"))));
    }

    @Override
    public Optional<Concept> at(String embeddingType, double x, double y, Instant asOf) {
        return session.one(Procedures.GET_CONCEPT_AT, call -> call.setString("EmbeddingType", embeddingType)
                .setDouble("X", x).setDouble("Y", y).setInstant("AsOf", asOf), SqlServerConceptStore::concept);
    }

    @Override
    public List<AtomConcept> conceptsOf(long atomId, Instant asOf) {
        return session.list(Procedures.GET_ATOM_CONCEPTS, call -> call.setLong("AtomId", atomId)
                .setInstant("AsOf", asOf), rs -> new AtomConcept(rs.getLong("ConceptId"), rs.getLong("GenerationId"),
                rs.getInt("Generation"), rs.getString("EmbeddingType"), rs.getDouble("Similarity")));
    }
}
