package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.atoms.PlacedValue;
import io.hartonomous.storage.contract.deletion.DeletionJob;
import io.hartonomous.storage.contract.deletion.DeletionState;
import io.hartonomous.storage.deploy.BatchSplitter;
import io.hartonomous.storage.deploy.ScriptBatch;
import io.hartonomous.storage.deploy.ScriptSource;
import io.hartonomous.storage.local.LocalStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database written before segments (every embedded script but 140-165 deployed, composition rows in the
 * AtomCompositions table as the row-per-position writer left them) opened by this version: 140 renames the table and
 * 145 lays the views over it, also when 140 had stopped half-way before; the old rows read back unchanged beside new
 * segment files, and deleting the old file removes its rows with exact counts.
 */
class EmbeddedSegmentsUpgradeTest {
    private static final Set<String> SEGMENT_SCRIPTS = Set.of("140", "145", "160", "165", "185");
    private static final int WIDTH = 10;
    private static final int PIXELS = 50;

    @TempDir
    Path dir;

    private static NewAtom pixel(int v) {
        return NewAtom.of(AtomType.of(Modality.IMAGE, "rgba8"), new byte[] {(byte) v, 1, 2, (byte) 255});
    }

    @Test
    void rowsWrittenBeforeSegmentsReadBackAndDeleteExactlyAfterTheUpgrade() throws Exception {
        StorageConfig config = LocalStorage.embeddedFile(dir);
        List<NewAtom> leaves = List.of(pixel(1), pixel(2), pixel(3));
        ContentHash fileHash = ContentHash.of(AtomType.file(Modality.IMAGE), "old.png".getBytes(StandardCharsets.UTF_8));
        try (Connection c = EarlierSchema.without(config, SEGMENT_SCRIPTS)) {
            writeRowPerPositionImage(c, fileHash, leaves);
            // 140 stopped half-way: its first batches ran (the table is renamed) but it was never recorded.
            List<ScriptBatch> batches = BatchSplitter.split(ScriptSource.fromClasspath("embedded").stream()
                    .filter(s -> s.name().startsWith("140")).findFirst().orElseThrow());
            try (Statement s = c.createStatement()) {
                for (ScriptBatch b : batches.subList(0, 3)) {
                    s.execute(b.sql());
                }
            }
        }
        try (StorageEngine engine = StorageEngines.open(config)) { // runs 140 again from the start, then 145
            TenantStorage t = engine.forTenant("acme");
            long file = t.atoms().byHash(fileHash).orElseThrow().atomId();
            assertThat(t.atoms().compositionCount(file)).isEqualTo(PIXELS);
            List<PlacedValue> values;
            try (Stream<PlacedValue> placed = t.atoms().placedValues(file, 0, 1000)) {
                values = placed.toList();
            }
            assertThat(values).hasSize(PIXELS);
            for (int i = 0; i < PIXELS; i++) {
                assertThat(values.get(i).sequenceIndex()).isEqualTo(i);
                assertThat(values.get(i).value()).isEqualTo(leaves.get(i % 3).value());
            }
            try (Connection c = DriverManager.getConnection(config.url(), config.user(), config.password());
                 PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), SUM(PositionX), SUM(PositionY) "
                         + "FROM AtomCompositions WHERE ParentAtomId = ?")) {
                ps.setLong(1, file);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("the view shows the old rows").isEqualTo(PIXELS);
                    assertThat(rs.getLong(2)).isEqualTo(5 * 45);
                    assertThat(rs.getLong(3)).isEqualTo(10 * (0 + 1 + 2 + 3 + 4));
                }
            }

            DeletionJob started = engine.deletions().request("acme", file, false);
            assertThat(started.rowsTotal()).isEqualTo(PIXELS);
            DeletionJob done = engine.deletions().runToEnd(started.jobId(), 7);
            assertThat(done.state()).isEqualTo(DeletionState.COMPLETED);
            assertThat(done.rowsDone()).isEqualTo(PIXELS);
            assertThat(done.leavesPurged()).isEqualTo(3);
            for (NewAtom leaf : leaves) {
                assertThat(t.atoms().byHash(leaf.contentHash())).isEmpty();
            }
        }
    }

    /** What the row-per-position writer left: leaves, the file, its owner and job, one composition row per pixel. */
    private static void writeRowPerPositionImage(Connection c, ContentHash fileHash, List<NewAtom> leaves)
            throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO Atoms (ContentHash, Modality, Subtype, "
                + "AtomicValue, ReferenceCount) VALUES (?, ?, ?, ?, ?)")) {
            for (int i = 0; i < leaves.size(); i++) {
                NewAtom leaf = leaves.get(i);
                ps.setBytes(1, leaf.contentHash().bytes());
                ps.setString(2, "image");
                ps.setString(3, "rgba8");
                ps.setBytes(4, leaf.value());
                ps.setLong(5, PIXELS / 3 + (i < PIXELS % 3 ? 1 : 0));
                ps.executeUpdate();
            }
            ps.setBytes(1, fileHash.bytes());
            ps.setString(2, "image");
            ps.setString(3, "file");
            ps.setBytes(4, null);
            ps.setLong(5, 0);
            ps.executeUpdate();
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO AtomOwners (TenantId, AtomId) SELECT 'acme', AtomId FROM Atoms "
                    + "WHERE Subtype = 'file'");
            s.executeUpdate("INSERT INTO IngestionJobs (TenantId, Modality, Name, State, ParentAtomId, ContentHash, "
                    + "BytesTotal) SELECT 'acme', 'image', 'old.png', 'COMPLETED', AtomId, ContentHash, 100 FROM Atoms "
                    + "WHERE Subtype = 'file'");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO AtomCompositions (ParentAtomId, ComponentAtomId, "
                + "SequenceIndex, PositionX, PositionY) SELECT f.AtomId, l.AtomId, ?, ?, ? FROM Atoms f, Atoms l "
                + "WHERE f.Subtype = 'file' AND l.ContentHash = ?")) {
            for (int i = 0; i < PIXELS; i++) {
                ps.setLong(1, i);
                ps.setLong(2, i % WIDTH);
                ps.setLong(3, i / WIDTH);
                ps.setBytes(4, leaves.get(i % 3).contentHash().bytes());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
