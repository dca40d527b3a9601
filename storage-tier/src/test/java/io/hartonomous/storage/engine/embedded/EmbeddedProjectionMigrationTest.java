package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.contract.vectors.Metric;
import io.hartonomous.storage.contract.vectors.SearchHit;
import io.hartonomous.storage.contract.vectors.SearchMode;
import io.hartonomous.storage.contract.vectors.SearchRequest;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.engine.SpatialCells;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * embedded/070 on a database that holds embeddings projected the earlier way (X, Y = distances to two seeded
 * landmarks): each becomes a point of cell 0 with its distance to landmark 0, which stays as the type's provisional
 * landmark, and search works on the migrated data.
 */
class EmbeddedProjectionMigrationTest {
    @TempDir
    Path dir;

    @Test
    void earlierTwoLandmarkPointsBecomeProvisionalCellZero() throws Exception {
        StorageConfig config = LocalStorage.embeddedFile(dir);
        float[] near = {1, 0, 0};
        float[] far = {9, 9, 9};
        float[] landmark0 = SpatialCells.seeded("legacy");
        try (Connection c = EarlierSchema.before(config, "070")) {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO Atoms (ContentHash, Modality, Subtype, AtomicValue, ReferenceCount) "
                        + "VALUES (X'01', 'image', 'rgba8', X'01020304', 0), (X'02', 'image', 'rgba8', X'05060708', 0)");
            }
            long[] atoms = new long[2];
            try (ResultSet rs = c.createStatement().executeQuery("SELECT AtomId FROM Atoms ORDER BY AtomId")) {
                for (int i = 0; rs.next(); i++) {
                    atoms[i] = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO SpatialLandmarks (EmbeddingType, Axis, "
                    + "Dimension, LandmarkVector) VALUES ('legacy', ?, 1998, ?)")) {
                for (int axis = 0; axis < 2; axis++) {
                    ps.setInt(1, axis);
                    ps.setBytes(2, FloatCodec.encode(axis == 0 ? landmark0 : new float[1998]));
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO AtomEmbeddings (AtomId, TenantId, "
                    + "EmbeddingType, Dimension, EmbeddingVector, ProjectionX, ProjectionY) VALUES (?, NULL, 'legacy', "
                    + "3, ?, ?, 1.5)")) {
                for (int i = 0; i < 2; i++) {
                    float[] v = i == 0 ? near : far;
                    ps.setLong(1, atoms[i]);
                    ps.setBytes(2, FloatCodec.encode(v));
                    ps.setDouble(3, SpatialCells.project(new float[][] {landmark0}, v).y());
                    ps.executeUpdate();
                }
            }
        }
        try (StorageEngine engine = StorageEngines.open(config)) { // deploys 070 onwards
            var t = engine.forTenant("acme");
            SearchRequest hybrid = new SearchRequest(new float[] {1.1f, 0, 0}, 1, Metric.EUCLIDEAN, SearchMode.HYBRID,
                    "legacy", null, null, null, null, 0);
            assertThat(t.vectors().search(hybrid).hits()).extracting(SearchHit::distance)
                    .singleElement().satisfies(d -> assertThat(d).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-6)));
            var migrated = t.vectors().embeddings(readAtom(config, near));
            assertThat(migrated).singleElement().satisfies(e -> {
                assertThat(e.projectionX()).isZero();
                assertThat(e.projectionY()).isCloseTo(SpatialCells.project(new float[][] {landmark0}, near).y(),
                        org.assertj.core.data.Offset.offset(1e-6));
            });
        }
        try (Connection c = DriverManager.getConnection(config.url(), config.user(), config.password());
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*), MAX(Axis) FROM SpatialLandmarks "
                     + "WHERE EmbeddingType = 'legacy'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getInt(2)).isZero();
            assertThat(c.getMetaData().getColumns(null, null, "ATOMEMBEDDINGS", "PROJECTIONX").next())
                    .as("points moved to EmbeddingPoints").isFalse();
        }
    }

    private static long readAtom(StorageConfig config, float[] vector) throws Exception {
        try (Connection c = DriverManager.getConnection(config.url(), config.user(), config.password());
             PreparedStatement ps = c.prepareStatement("SELECT AtomId FROM AtomEmbeddings WHERE EmbeddingVector = ?")) {
            ps.setBytes(1, FloatCodec.encode(vector));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
