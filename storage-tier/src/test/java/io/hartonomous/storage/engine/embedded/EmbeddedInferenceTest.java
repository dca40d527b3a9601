package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.inference.Evidence;
import io.hartonomous.storage.contract.inference.InferenceReceipt;
import io.hartonomous.storage.contract.inference.InferenceRecord;
import io.hartonomous.storage.contract.inference.InferenceStatus;
import io.hartonomous.storage.contract.inference.NewInference;
import io.hartonomous.storage.contract.inference.NewReasoningRun;
import io.hartonomous.storage.contract.inference.ReceiptTensor;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.NewModel;
import io.hartonomous.storage.local.LocalStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the contract cannot reach on H2: ReceiptGuard refuses changes made past the store (a receipt is never
 * updated, a record's outcome is written once, nothing is deleted but with its model's data), and script 160 on a
 * database from before it gives existing models their creation as weight version.
 */
class EmbeddedInferenceTest {
    private static final String SHA = "ab".repeat(32);

    @TempDir
    Path dir;

    private static Model completedModel(TenantStorage t, String name) {
        NewJob job = new NewJob(Modality.MODEL, name, ContentHash.of(AtomType.file(Modality.MODEL),
                name.getBytes(StandardCharsets.UTF_8)), 10, "{}", null);
        long jobId = t.ingest().startJob(job).job().jobId();
        Model model = t.ingest().registerModel(jobId, new NewModel(name, "onnx", "{}", List.of()));
        t.ingest().completeJob(jobId, null);
        return model;
    }

    private static void refused(Connection c, String sql) {
        assertThatThrownBy(() -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate(sql);
            }
        }).as(sql).isInstanceOf(SQLException.class)
                .hasMessageMatching("(?s).*(is immutable|a record changes once|deleted only with its model).*");
    }

    @Test
    void changesPastTheStoreAreRefused() throws Exception {
        StorageConfig config = LocalStorage.embeddedFile(dir);
        try (StorageEngine engine = StorageEngines.open(config)) {
            TenantStorage t = engine.forTenant("acme");
            Model model = completedModel(t, "guarded.onnx");
            Model other = completedModel(t, "other.onnx");
            InferenceRecord run = t.inference().begin(new NewInference(model.modelId(), "onnx.run", Instant.now(), 3,
                    new InferenceReceipt(model.parentAtomId(), "v1", List.of(), SHA,
                            List.of(new ReceiptTensor(0, "w", 6, SHA)))));
            long id = run.inferenceId();
            try (Connection c = DriverManager.getConnection(config.url(), config.user(), config.password())) {
                refused(c, "UPDATE InferenceReceipts SET WeightVersion = 'v2' WHERE InferenceId = " + id);
                refused(c, "UPDATE InferenceReceiptTensors SET Sha256 = '" + "cd".repeat(32) + "' WHERE InferenceId = "
                        + id);
                refused(c, "DELETE FROM InferenceReceiptTensors WHERE InferenceId = " + id);
                refused(c, "UPDATE Inferences SET Units = 99, Status = 'SUCCEEDED' WHERE InferenceId = " + id);
                try (Statement s = c.createStatement()) {
                    s.execute("SET @HART_PURGE_MODEL = " + other.modelId());
                }
                refused(c, "DELETE FROM InferenceReceiptTensors WHERE InferenceId = " + id);
                try (Statement s = c.createStatement()) {
                    s.execute("SET @HART_PURGE_MODEL = NULL");
                }

                assertThat(t.inference().succeed(id, 4, "{}", List.of()).status()).isEqualTo(InferenceStatus.SUCCEEDED);
                refused(c, "UPDATE Inferences SET Status = 'FAILED', Error = 'later' WHERE InferenceId = " + id);
                refused(c, "DELETE FROM Inferences WHERE InferenceId = " + id);
            }
            InferenceRecord after = t.inference().byId(id).orElseThrow();
            assertThat(after.receipt()).isEqualTo(run.receipt());
            assertThat(after.units()).isEqualTo(3);
            assertThat(after.status()).isEqualTo(InferenceStatus.SUCCEEDED);
        }
    }

    @Test
    void aDatabaseFromBefore160GetsItsTablesAndModelsStartAtTheirCreation() throws Exception {
        StorageConfig config = LocalStorage.embeddedFile(dir);
        long modelId;
        long fileAtomId;
        try (Connection c = EarlierSchema.before(config, "160"); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO Atoms (ContentHash, Modality, Subtype, ReferenceCount) "
                    + "VALUES (X'" + "09".repeat(32) + "', 'model', 'file', 0)");
            s.executeUpdate("INSERT INTO AtomOwners (AtomId, TenantId) SELECT AtomId, 'acme' FROM Atoms");
            s.executeUpdate("INSERT INTO IngestionJobs (TenantId, Modality, Name, State, ParentAtomId, ContentHash, "
                    + "BytesTotal) SELECT 'acme', 'model', 'old.onnx', 'COMPLETED', AtomId, ContentHash, 10 FROM Atoms");
            s.executeUpdate("INSERT INTO Models (ParentAtomId, JobId, Name, Format, TensorCount, ParameterCount) "
                    + "SELECT ParentAtomId, JobId, 'old', 'onnx', 0, 0 FROM IngestionJobs");
            try (ResultSet rs = s.executeQuery("SELECT ModelId, ParentAtomId FROM Models")) {
                rs.next();
                modelId = rs.getLong(1);
                fileAtomId = rs.getLong(2);
            }
        }
        try (StorageEngine engine = StorageEngines.open(config)) { // deploys 160
            TenantStorage t = engine.forTenant("acme");
            Model model = t.models().byId(modelId).orElseThrow();
            assertThat(t.models().weightVersion(modelId, null)).isEqualTo(model.createdAt());
            InferenceRecord run = t.inference().begin(new NewInference(modelId, "onnx.run", Instant.now(), 1,
                    new InferenceReceipt(fileAtomId, model.createdAt().toString(), List.of(), null, List.of())));
            assertThat(t.inference().list(modelId, null, 10)).containsExactly(run);
        }
    }

    /** A reasoning run's evidence and its record's parent are as fixed as a receipt (script 180). */
    @Test
    void aReasoningRunsEvidenceAndParentArePastChange() throws Exception {
        StorageConfig config = LocalStorage.embeddedFile(dir);
        try (StorageEngine engine = StorageEngines.open(config)) {
            TenantStorage t = engine.forTenant("acme");
            Model model = completedModel(t, "evidence.onnx");
            InferenceRecord parent = t.inference().beginReasoning(new NewReasoningRun("reasoning.chain", null, 1,
                    List.of(), List.of()));
            List<Evidence> evidence = List.of(Evidence.atom(0, "candidate", model.parentAtomId(), 0.5, true));
            InferenceRecord run = t.inference().beginReasoning(new NewReasoningRun("reasoning.generate",
                    parent.inferenceId(), 2, List.of(), evidence));
            long id = run.inferenceId();
            try (Connection c = DriverManager.getConnection(config.url(), config.user(), config.password())) {
                refused(c, "UPDATE InferenceEvidence SET Score = 1 WHERE InferenceId = " + id);
                refused(c, "UPDATE InferenceEvidence SET Chosen = FALSE WHERE InferenceId = " + id);
                refused(c, "DELETE FROM InferenceEvidence WHERE InferenceId = " + id);
                refused(c, "UPDATE Inferences SET ParentInferenceId = NULL, Status = 'SUCCEEDED' WHERE InferenceId = "
                        + id);
                refused(c, "UPDATE Inferences SET ModelId = " + model.modelId() + ", Status = 'SUCCEEDED' "
                        + "WHERE InferenceId = " + id);
                try (Statement s = c.createStatement()) {
                    s.execute("SET @HART_PURGE_MODEL = " + model.modelId());
                }
                refused(c, "DELETE FROM InferenceEvidence WHERE InferenceId = " + id);
                refused(c, "DELETE FROM Inferences WHERE InferenceId = " + id);
                try (Statement s = c.createStatement()) {
                    s.execute("SET @HART_PURGE_MODEL = NULL");
                }
            }
            assertThat(t.inference().succeed(id, 1, "{}", List.of()).parentInferenceId())
                    .isEqualTo(parent.inferenceId());
            assertThat(t.inference().evidence(id)).isEqualTo(evidence);
        }
    }

    @Test
    void aDatabaseFromBefore180KeepsItsRunsAndRecordsReasoningRuns() throws Exception {
        StorageConfig config = LocalStorage.embeddedFile(dir);
        long modelId;
        long fileAtomId;
        long runId;
        try (Connection c = EarlierSchema.before(config, "180"); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO Atoms (ContentHash, Modality, Subtype, ReferenceCount) "
                    + "VALUES (X'" + "0a".repeat(32) + "', 'model', 'file', 0)");
            s.executeUpdate("INSERT INTO AtomOwners (AtomId, TenantId) SELECT AtomId, 'acme' FROM Atoms");
            s.executeUpdate("INSERT INTO IngestionJobs (TenantId, Modality, Name, State, ParentAtomId, ContentHash, "
                    + "BytesTotal) SELECT 'acme', 'model', 'old.onnx', 'COMPLETED', AtomId, ContentHash, 10 FROM Atoms");
            s.executeUpdate("INSERT INTO Models (ParentAtomId, JobId, Name, Format, TensorCount, ParameterCount) "
                    + "SELECT ParentAtomId, JobId, 'old', 'onnx', 0, 0 FROM IngestionJobs");
            try (ResultSet rs = s.executeQuery("SELECT ModelId, ParentAtomId FROM Models")) {
                rs.next();
                modelId = rs.getLong(1);
                fileAtomId = rs.getLong(2);
            }
            s.executeUpdate("INSERT INTO Inferences (TenantId, ModelId, Operation, Status, AsOf, CreatedAt, Units) "
                    + "VALUES ('acme', " + modelId + ", 'onnx.run', 'RUNNING', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 3)");
            try (ResultSet rs = s.executeQuery("SELECT InferenceId FROM Inferences")) {
                rs.next();
                runId = rs.getLong(1);
            }
            s.executeUpdate("INSERT INTO InferenceReceipts (InferenceId, TenantId, ModelAtomId, WeightVersion) "
                    + "VALUES (" + runId + ", 'acme', " + fileAtomId + ", 'v1')");
        }
        try (StorageEngine engine = StorageEngines.open(config)) { // deploys 180
            TenantStorage t = engine.forTenant("acme");
            InferenceRecord old = t.inference().byId(runId).orElseThrow();
            assertThat(old.modelId()).isEqualTo(modelId);
            assertThat(old.parentInferenceId()).isNull();
            assertThat(old.receipt().weightVersion()).isEqualTo("v1");
            InferenceRecord reasoning = t.inference().beginReasoning(new NewReasoningRun("concepts.discover", null, 1,
                    List.of(), List.of(Evidence.atom(0, "member", fileAtomId, 1, true))));
            assertThat(reasoning.modelId()).isNull();
            assertThat(t.inference().succeed(runId, 1, "{}", List.of()).status()).isEqualTo(InferenceStatus.SUCCEEDED);
            try (Connection c = DriverManager.getConnection(config.url(), config.user(), config.password())) {
                refused(c, "UPDATE Inferences SET Units = 5 WHERE InferenceId = " + runId);
                refused(c, "UPDATE Inferences SET ParentInferenceId = " + reasoning.inferenceId()
                        + " WHERE InferenceId = " + runId);
            }
        }
    }
}
