package io.hartonomous.api.search;

import io.hartonomous.api.testing.Api;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.vectors.NewEmbedding;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.TenantStorage;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.hartonomous.api.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/**
 * Search over a seeded set: client embeddings of 240 atoms the tenant owns, 24 Gaussian clusters in 48 dimensions.
 * Hybrid must agree with exact when it may rerank everything, and report how many it reranked.
 */
@QuarkusTest
class SearchTest {
    private static final int ATOMS = 240;
    /** Embeddings put through PUT /api/atoms/{id}/embeddings; the rest through the contract, which is faster. */
    private static final int THROUGH_HTTP = 24;
    private static final int DIM = 48;
    private static final String TYPE = "client-test";
    private static final String TENANT = Api.newTenant("search");
    private static String writer;
    private static String reader;
    private static final Map<Long, float[]> VECTORS = new HashMap<>();
    private static long parent;

    @Inject
    StorageEngine engine;

    @BeforeEach
    void seed() {
        if (writer != null) {
            return;
        }
        writer = Api.keyFor(TENANT, "ingest", "query");
        reader = Api.keyFor(TENANT, "query");
        TenantStorage t = engine.forTenant(TENANT);
        AtomType rgba8 = AtomType.of(Modality.IMAGE, "rgba8");
        Random random = new Random(7);
        List<NewAtom> atoms = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        while (atoms.size() < ATOMS) {
            int v = random.nextInt();
            if (seen.add(v)) {
                atoms.add(NewAtom.of(rgba8, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array()));
            }
        }
        byte[] file = new byte[32];
        random.nextBytes(file);
        var start = t.ingest().startJob(new NewJob(Modality.IMAGE, "seeded.png",
                ContentHash.of(AtomType.file(Modality.IMAGE), file), 32, "{\"width\":" + ATOMS + ",\"height\":1}",
                null));
        long[] seq = new long[ATOMS];
        long[] x = new long[ATOMS];
        int[] ord = new int[ATOMS];
        for (int i = 0; i < ATOMS; i++) {
            seq[i] = i;
            x[i] = i;
            ord[i] = i;
        }
        t.ingest().writeChunk(start.job().jobId(), new Chunk(0, atoms,
                new CompositionBatch(ATOMS, seq, x, new long[ATOMS], ord), null, 32));
        t.ingest().completeJob(start.job().jobId(), null);
        parent = start.parent().atomId();

        float[][] centres = new float[24][DIM];
        for (float[] c : centres) {
            for (int d = 0; d < DIM; d++) {
                c[d] = (float) (random.nextGaussian() * 4);
            }
        }
        List<Long> ids;
        try (var rows = t.atoms().compositions(parent, 0, ATOMS)) {
            ids = rows.map(c -> c.componentAtomId()).toList();
        }
        for (int i = 0; i < ids.size(); i++) {
            float[] v = new float[DIM];
            float[] c = centres[i % centres.length];
            for (int d = 0; d < DIM; d++) {
                v[d] = c[d] + (float) random.nextGaussian();
            }
            if (i < THROUGH_HTTP) {
                as(writer).contentType(ContentType.JSON).body(Map.of("embeddingType", TYPE, "vector", v))
                        .when().put("/api/atoms/" + ids.get(i) + "/embeddings")
                        .then().statusCode(200).body("dimension", equalTo(DIM), "builtIn", equalTo(false));
            } else {
                t.vectors().put(new NewEmbedding(ids.get(i), TYPE, v, false));
            }
            VECTORS.put(ids.get(i), v);
        }
    }

    private static JsonPath search(Map<String, Object> body) {
        return as(reader).contentType(ContentType.JSON).body(body).when().post("/api/search")
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void hybridAgreesWithExactWhenItMayRerankEverything() {
        Random random = new Random(11);
        for (int q = 0; q < 6; q++) {
            float[] query = VECTORS.get(VECTORS.keySet().stream().sorted().toList().get(random.nextInt(ATOMS))).clone();
            for (int d = 0; d < DIM; d++) {
                query[d] += (float) (random.nextGaussian() * 0.5);
            }
            for (String metric : List.of("euclidean", "cosine", "dot")) {
                JsonPath exact = search(Map.of("vector", query, "k", 10, "mode", "exact", "metric", metric,
                        "embeddingType", TYPE));
                JsonPath hybrid = search(Map.of("vector", query, "k", 10, "mode", "hybrid", "metric", metric,
                        "embeddingType", TYPE, "candidates", ATOMS));
                assertThat(exact.getString("mode")).isEqualTo("exact");
                assertThat(exact.getString("candidatesReranked")).isNull();
                assertThat(exact.getLong("examined")).isEqualTo(ATOMS);
                assertThat(hybrid.getLong("candidatesReranked")).isEqualTo(ATOMS);
                assertThat(hybrid.getList("hits.atomId", Long.class)).as(metric)
                        .isEqualTo(exact.getList("hits.atomId", Long.class));
                assertThat(hybrid.getList("hits.distance", Double.class))
                        .isEqualTo(exact.getList("hits.distance", Double.class));
            }
        }
    }

    @Test
    void exactDistancesAreTheTrueDistancesNearestFirst() {
        long target = VECTORS.keySet().iterator().next();
        float[] query = VECTORS.get(target);
        JsonPath r = search(Map.of("vector", query, "k", 5, "mode", "exact", "embeddingType", TYPE));
        assertThat(r.getList("hits.atomId", Long.class).getFirst()).isEqualTo(target);
        assertThat(r.getDouble("hits[0].distance")).isEqualTo(0.0);
        List<Double> distances = r.getList("hits.distance", Double.class);
        assertThat(distances).isSorted().hasSize(5);
        long second = r.getList("hits.atomId", Long.class).get(1);
        double expected = 0;
        for (int d = 0; d < DIM; d++) {
            double diff = query[d] - VECTORS.get(second)[d];
            expected += diff * diff;
        }
        assertThat(distances.get(1)).isCloseTo(Math.sqrt(expected), org.assertj.core.data.Offset.offset(1e-3));
    }

    @Test
    void hybridWithFewCandidatesReportsThemAndFindsTheQueryItself() {
        long target = VECTORS.keySet().stream().sorted().toList().get(100 % ATOMS);
        JsonPath r = search(Map.of("vector", VECTORS.get(target), "k", 10, "mode", "hybrid", "embeddingType", TYPE,
                "candidates", 60));
        assertThat(r.getLong("candidatesReranked")).isBetween(10L, 60L);
        assertThat(r.getList("hits.atomId", Long.class).getFirst()).isEqualTo(target);
    }

    @Test
    void filtersNarrowTheMatches() {
        float[] query = VECTORS.values().iterator().next();
        as(reader).contentType(ContentType.JSON).body(Map.of("vector", query, "mode", "exact", "embeddingType", TYPE,
                        "filters", Map.of("modality", "audio")))
                .when().post("/api/search").then().statusCode(200).body("hits", empty());
        as(reader).contentType(ContentType.JSON).body(Map.of("vector", query, "mode", "exact", "embeddingType", TYPE,
                        "filters", Map.of("modality", "image", "subtype", "rgba8")))
                .when().post("/api/search").then().statusCode(200).body("hits", hasSize(10));
        as(reader).contentType(ContentType.JSON).body(Map.of("vector", query, "mode", "exact", "embeddingType", TYPE,
                        "filters", Map.of("createdFrom", Instant.now().plusSeconds(3600).toString())))
                .when().post("/api/search").then().statusCode(200).body("hits", empty());
        as(reader).contentType(ContentType.JSON).body(Map.of("vector", query, "mode", "hybrid", "embeddingType", TYPE,
                        "filters", Map.of("createdFrom", "2000-01-01", "createdTo", Instant.now().plusSeconds(60)
                                .toString())))
                .when().post("/api/search").then().statusCode(200).body("hits", hasSize(10));
    }

    @Test
    void clientEmbeddingsAreTheTenantsOwn() {
        long atom = VECTORS.keySet().iterator().next();
        as(reader).queryParam("withVectors", true).when().get("/api/atoms/" + atom + "/embeddings")
                .then().statusCode(200).body("size()", equalTo(1), "[0].embeddingType", equalTo(TYPE),
                        "[0].vector.size()", equalTo(DIM));
        as(reader).when().get("/api/atoms/" + atom + "/embeddings").then().body("[0].vector", nullValue());
        String other = Api.keyFor(Api.newTenant("other"), "query");
        // The leaf atom is shared content, but the tenant's embedding of it is not.
        as(other).when().get("/api/atoms/" + atom + "/embeddings").then().statusCode(200).body("", empty());
        as(other).contentType(ContentType.JSON).body(Map.of("vector", VECTORS.get(atom), "mode", "exact",
                "embeddingType", TYPE)).when().post("/api/search").then().statusCode(200).body("hits", empty());
        as(other).when().get("/api/atoms/" + parent + "/embeddings").then().statusCode(404);
    }
}
