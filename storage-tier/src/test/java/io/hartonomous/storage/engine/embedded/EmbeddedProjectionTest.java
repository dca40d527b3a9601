package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.contract.vectors.AtomEmbedding;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.ingest.JobStart;
import io.hartonomous.storage.contract.vectors.Metric;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.vectors.NewEmbedding;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.vectors.ProjectionRebuild;
import io.hartonomous.storage.contract.vectors.SearchHit;
import io.hartonomous.storage.contract.vectors.SearchMode;
import io.hartonomous.storage.contract.vectors.SearchRequest;
import io.hartonomous.storage.contract.vectors.SearchResult;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.engine.SpatialCells;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Landmarks derived from the data: a batch put, a rebuild that re-projects every embedding into cells, and another
 * engine on the same database (another process, in production) that notices the new generation.
 */
class EmbeddedProjectionTest {
    private static final int COUNT = 400;
    private static final String TYPE = "test-cells";

    @TempDir
    Path dir;

    private static long[] atoms(TenantStorage t, int n) {
        AtomType rgba8 = AtomType.of(Modality.IMAGE, "rgba8");
        byte[] file = "cells".getBytes(StandardCharsets.UTF_8);
        JobStart start = t.ingest().startJob(new NewJob(Modality.IMAGE, "cells.png",
                ContentHash.of(AtomType.file(Modality.IMAGE), file), file.length, "{}", null));
        List<NewAtom> atoms = new ArrayList<>();
        long[] seq = new long[n];
        int[] ord = new int[n];
        for (int i = 0; i < n; i++) {
            atoms.add(NewAtom.of(rgba8, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(i).array()));
            seq[i] = i;
            ord[i] = i;
        }
        t.ingest().writeChunk(start.job().jobId(), new Chunk(0, atoms, new CompositionBatch(n, seq, seq.clone(),
                new long[n], ord), null, file.length));
        t.ingest().completeJob(start.job().jobId(), null);
        long[] ids = new long[n];
        try (var rows = t.atoms().compositions(start.parent().atomId(), 0, n)) {
            rows.forEach(c -> ids[(int) c.sequenceIndex()] = c.componentAtomId());
        }
        return ids;
    }

    private static List<Long> ids(SearchResult r) {
        return r.hits().stream().map(SearchHit::atomId).toList();
    }

    @Test
    void rebuildDerivesCellsFromTheDataAndEveryEngineSeesThem() {
        StorageConfig config = LocalStorage.embeddedFile(dir);
        try (StorageEngine writer = StorageEngines.open(config); StorageEngine reader = StorageEngines.open(config)) {
            TenantStorage t = writer.forTenant("acme");
            long[] atomIds = atoms(t, COUNT);
            Random random = new Random(5);
            float[][] centres = new float[8][16];
            for (float[] c : centres) {
                for (int d = 0; d < c.length; d++) {
                    c[d] = (float) random.nextGaussian() * 10;
                }
            }
            List<NewEmbedding> batch = new ArrayList<>();
            List<float[]> vectors = new ArrayList<>();
            for (int i = 0; i < COUNT; i++) {
                float[] v = centres[i % centres.length].clone();
                for (int d = 0; d < v.length; d++) {
                    v[d] += (float) random.nextGaussian();
                }
                vectors.add(v);
                batch.add(new NewEmbedding(atomIds[i], TYPE, v, false));
            }
            assertThat(t.vectors().putAll(batch)).isEqualTo(COUNT);
            assertThat(t.vectors().embeddings(atomIds[7])).singleElement().satisfies(e -> {
                assertThat(e.projectionX()).as("provisional: one cell").isZero();
                assertThat(e.vector()).containsExactly(vectors.get(7));
            });
            TenantStorage readerTenant = reader.forTenant("acme");
            SearchRequest warm = new SearchRequest(vectors.get(0), 5, Metric.EUCLIDEAN, SearchMode.HYBRID, TYPE,
                    null, null, null, null, 60);
            assertThat(readerTenant.vectors().search(warm).hits()).isNotEmpty(); // caches the provisional landmark

            ProjectionRebuild rebuild = t.vectors().rebuildProjection(TYPE);
            assertThat(rebuild.generation()).isEqualTo(1);
            assertThat(rebuild.landmarks()).isEqualTo(SpatialCells.cellsFor(COUNT));
            assertThat(rebuild.trainedOn()).isEqualTo(COUNT);
            assertThat(rebuild.reprojected()).isEqualTo(COUNT);
            AtomEmbedding moved = t.vectors().embeddings(atomIds[7]).getFirst();
            assertThat(moved.projectionX()).isBetween(0.0, rebuild.landmarks() - 1.0);

            // The other engine's cache is stale; it must notice the generation and find neighbours in few cells.
            int agreed = 0;
            for (int q = 0; q < 20; q++) {
                float[] query = vectors.get(q * 13).clone();
                query[0] += 0.3f;
                SearchRequest exact = new SearchRequest(query, 5, Metric.EUCLIDEAN, SearchMode.EXACT, TYPE, null,
                        null, null, null, 0);
                SearchRequest hybrid = new SearchRequest(query, 5, Metric.EUCLIDEAN, SearchMode.HYBRID, TYPE, null,
                        null, null, null, 60);
                SearchResult h = readerTenant.vectors().search(hybrid);
                assertThat(h.candidatesReranked()).isLessThanOrEqualTo(60);
                assertThat(ids(h).getFirst()).isEqualTo(atomIds[q * 13]);
                if (ids(h).equals(ids(readerTenant.vectors().search(exact)))) {
                    agreed++;
                }
            }
            assertThat(agreed).as("60 of 400 candidates from the nearest cells hold the 5 nearest").isGreaterThan(17);

            float[] late = vectors.get(3).clone();
            late[1] += 0.5f;
            t.vectors().put(new NewEmbedding(atomIds[3], TYPE, late, false));
            SpatialCells.Point expected = SpatialCells.project(storedLandmarks(config), late);
            AtomEmbedding stored = t.vectors().embeddings(atomIds[3]).getFirst();
            assertThat(stored.projectionX()).as("a put after the rebuild lands in a trained cell")
                    .isEqualTo(expected.x());
            assertThat(stored.projectionY()).isCloseTo(expected.y(), org.assertj.core.data.Offset.offset(1e-9));
            assertThatThrownBy(() -> t.vectors().rebuildProjection("no-such-type"))
                    .isInstanceOf(NotFoundException.class);
        }
    }

    private static float[][] storedLandmarks(StorageConfig config) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(config.url(), config.user(),
                config.password());
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT LandmarkVector FROM SpatialLandmarks "
                     + "WHERE EmbeddingType = ? ORDER BY Axis")) {
            ps.setString(1, TYPE);
            List<float[]> landmarks = new ArrayList<>();
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    landmarks.add(FloatCodec.decode(rs.getBytes(1)));
                }
            }
            return landmarks.toArray(float[][]::new);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
