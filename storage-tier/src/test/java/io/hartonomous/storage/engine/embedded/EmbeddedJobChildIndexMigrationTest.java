package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.local.LocalStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * embedded/090 on a database whose jobs table predates ChildIndex: the column is added, a job running at the upgrade
 * keeps its row as it was (ChildIndex NULL, the old '#child=N' SourcePath the ingest tier still reads), new jobs
 * store the index.
 */
class EmbeddedJobChildIndexMigrationTest {
    @TempDir
    Path dir;

    @Test
    void anExistingJobsTableGetsTheColumnAndKeepsItsRunningJob() throws Exception {
        StorageConfig config = LocalStorage.embeddedFile(dir);
        try (Connection c = EarlierSchema.before(config, "090")) {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO Atoms (ContentHash, Modality, Subtype, ReferenceCount) "
                        + "VALUES (X'" + "07".repeat(32) + "', 'image', 'file', 0)");
                s.executeUpdate("INSERT INTO IngestionJobs (TenantId, Modality, Name, State, ParentAtomId, ContentHash, "
                        + "BytesTotal, SourcePath) SELECT 'acme', 'image', 'a.gif#frame=2', 'RUNNING', AtomId, "
                        + "ContentHash, 10, '/spool/a.upload#child=2' FROM Atoms");
            }
        }
        try (StorageEngine engine = StorageEngines.open(config)) { // deploys 090
            IngestionJob legacy = engine.unfinishedJobs().getFirst();
            assertThat(legacy.childIndex()).isNull();
            assertThat(legacy.sourcePath()).isEqualTo("/spool/a.upload#child=2");
            ContentHash hash = ContentHash.of(AtomType.file(Modality.IMAGE), "b".getBytes(StandardCharsets.UTF_8));
            IngestionJob fresh = engine.forTenant("acme").ingest().startJob(new NewJob(Modality.IMAGE, "b.gif#frame=1",
                    hash, 10, "{}", "/spool/b.upload", 1)).job();
            assertThat(fresh.childIndex()).isEqualTo(1);
        }
    }
}
