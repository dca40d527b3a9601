package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.ingest.JobStart;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.TenantStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Point;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded engine's spatial side: JTS points for compositions (derived), embedding points read by cell. */
class EmbeddedSpatialTest {
    @TempDir
    Path dir;

    @Test
    void compositionPointsAreJtsGeometryAndAnswerRegionQueries() throws Exception {
        StorageConfig config = LocalStorage.embeddedFile(dir);
        long parent;
        try (StorageEngine engine = StorageEngines.open(config)) {
            TenantStorage t = engine.forTenant("acme");
            JobStart start = t.ingest().startJob(new NewJob(Modality.IMAGE, "4x4.png",
                    ContentHash.of(AtomType.file(Modality.IMAGE), "4x4".getBytes(StandardCharsets.UTF_8)), 16, "{}",
                    null));
            NewAtom red = NewAtom.of(AtomType.of(Modality.IMAGE, "rgba8"), new byte[] {(byte) 255, 0, 0, (byte) 255});
            long[] seq = new long[16];
            long[] x = new long[16];
            long[] y = new long[16];
            for (int i = 0; i < 16; i++) {
                seq[i] = i;
                x[i] = i % 4;
                y[i] = i / 4;
            }
            t.ingest().writeChunk(start.job().jobId(), new Chunk(0, List.of(red),
                    new CompositionBatch(16, seq, x, y, new int[16]), null, 16));
            parent = start.parent().atomId();
        }
        try (Connection c = DriverManager.getConnection(config.url(), config.user(), config.password());
             PreparedStatement ps = c.prepareStatement("SELECT SequenceIndex, SpatialKey FROM AtomCompositionPoints "
                     + "WHERE ParentAtomId = ? AND SpatialKey && CAST('POLYGON((1 1, 2 1, 2 2, 1 2, 1 1))' AS GEOMETRY) "
                     + "ORDER BY SequenceIndex")) {
            ps.setLong(1, parent);
            List<Long> inside = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inside.add(rs.getLong(1));
                    Point p = rs.getObject(2, Point.class);
                    assertThat(p.getX()).isEqualTo(rs.getLong(1) % 4);
                    assertThat(p.getY()).isEqualTo(rs.getLong(1) / 4);
                }
            }
            assertThat(inside).containsExactly(5L, 6L, 9L, 10L);
        }
    }

    @Test
    void cellsAreReadThroughABTreeAndCompositionsDoNotStoreAGeometry() throws Exception {
        StorageConfig config = LocalStorage.embeddedFile(dir);
        try (StorageEngine engine = StorageEngines.open(config)) {
            assertThat(engine.isReachable()).isTrue();
        }
        try (Connection c = DriverManager.getConnection(config.url(), config.user(), config.password());
             PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME, INDEX_TYPE_NAME FROM "
                     + "INFORMATION_SCHEMA.INDEXES WHERE INDEX_TYPE_NAME = 'SPATIAL INDEX'");
             ResultSet rs = ps.executeQuery()) {
            List<String> tables = new ArrayList<>();
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
            // Cells are equalities on X and compositions derive their points; concept domains are stored polygons.
            assertThat(tables).as("the only spatial index is the concept domains'").containsExactly("CONCEPTS");
        }
        try (Connection c = DriverManager.getConnection(config.url(), config.user(), config.password());
             ResultSet rs = c.getMetaData().getColumns(null, null, "ATOMCOMPOSITIONS", "SPATIALKEY")) {
            assertThat(rs.next()).as("no stored geometry column on compositions").isFalse();
        }
        try (Connection c = DriverManager.getConnection(config.url(), config.user(), config.password());
             PreparedStatement ps = c.prepareStatement("EXPLAIN SELECT EmbeddingId, ProjectionY FROM EmbeddingPoints "
                     + "WHERE EmbeddingType = 'x' AND ProjectionX = 1");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getString(1)).as("hybrid search reads a cell through the index")
                    .contains("IX_EMBEDDINGPOINTS_CELL");
        }
    }

    @Test
    void embeddingPointsAreJtsGeometryThroughTheirView() throws Exception {
        StorageConfig config = LocalStorage.embeddedFile(dir);
        long atom;
        try (StorageEngine engine = StorageEngines.open(config)) {
            TenantStorage t = engine.forTenant("acme");
            JobStart start = t.ingest().startJob(new NewJob(Modality.IMAGE, "e.png",
                    ContentHash.of(AtomType.file(Modality.IMAGE), "e".getBytes(StandardCharsets.UTF_8)), 1, "{}",
                    null));
            atom = start.parent().atomId();
            t.vectors().put(new io.hartonomous.storage.contract.vectors.NewEmbedding(atom, "geo", new float[] {3f, 4f},
                    false));
        }
        try (Connection c = DriverManager.getConnection(config.url(), config.user(), config.password());
             PreparedStatement ps = c.prepareStatement("SELECT g.ProjectionX, g.ProjectionY, g.SpatialKey "
                     + "FROM EmbeddingPointGeometry g JOIN AtomEmbeddings e ON e.EmbeddingId = g.EmbeddingId "
                     + "WHERE e.AtomId = ?")) {
            ps.setLong(1, atom);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                Point p = rs.getObject(3, Point.class);
                assertThat(p.getX()).isEqualTo(rs.getDouble(1));
                assertThat(p.getY()).isEqualTo(rs.getDouble(2)).isPositive();
            }
        }
    }
}
