package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.inference.Evidence;
import io.hartonomous.storage.contract.inference.InferenceRecord;
import io.hartonomous.storage.contract.inference.InferenceStatus;
import io.hartonomous.storage.contract.inference.InferenceStore;
import io.hartonomous.storage.contract.inference.NewInference;
import io.hartonomous.storage.contract.inference.NewReasoningRun;
import io.hartonomous.storage.engine.jdbc.InferenceRows;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Inference records and receipts through sql/079. Each procedure owns its transaction: dbo.sp_BeginInference
 * writes the record, its receipt (the lists sent as JSON) and the INFERENCE node with its edges through the graph
 * procedures, whose changes go to the provenance sync in the same transaction; dbo.sp_EndInference ends it once.
 * Receipts come back with their lists as JSON too.
 */
record SqlServerInferenceStore(Session session) implements InferenceStore {
    @Override
    public InferenceRecord begin(NewInference run) {
        InferenceRows.check(run);
        return session.single(Procedures.BEGIN_INFERENCE, call -> call.setLong("ModelId", run.modelId())
                .setString("Operation", run.operation()).setInstant("AsOf", run.asOf()).setLong("Units", run.units())
                .setLong("ModelAtomId", run.receipt().modelAtomId())
                .setString("WeightVersion", run.receipt().weightVersion())
                .setString("InputSha256", run.receipt().inputSha256())
                .setString("InputAtoms", InferenceRows.atomsJson(run.receipt().inputAtoms()))
                .setString("Tensors", InferenceRows.tensorsJson(run.receipt().tensors()))
                .setLongOrNull("ParentInferenceId", run.parentInferenceId()),
                SqlServerInferenceStore::record);
    }

    @Override
    public InferenceRecord beginReasoning(NewReasoningRun run) {
        InferenceRows.check(run);
        return session.single(Procedures.BEGIN_REASONING, call -> call.setString("Operation", run.operation())
                .setLongOrNull("ParentInferenceId", run.parentInferenceId()).setLong("Units", run.units())
                .setString("InputAtoms", InferenceRows.atomsJson(run.inputAtoms()))
                .setString("Evidence", InferenceRows.evidenceJson(run.evidence())), SqlServerInferenceStore::record);
    }

    @Override
    public List<Evidence> evidence(long inferenceId) {
        return session.list(Procedures.GET_INFERENCE_EVIDENCE, call -> call.setLong("InferenceId", inferenceId),
                InferenceRows::evidence);
    }

    @Override
    public List<InferenceRecord> children(long inferenceId) {
        return session.list(Procedures.LIST_INFERENCE_CHILDREN, call -> call.setLong("InferenceId", inferenceId),
                SqlServerInferenceStore::record);
    }

    @Override
    public InferenceRecord succeed(long inferenceId, long durationMs, String outputSummaryJson,
                                   List<Long> producedAtoms) {
        InferenceRows.checkDuration(durationMs);
        return end(inferenceId, InferenceStatus.SUCCEEDED, durationMs, outputSummaryJson, null,
                List.copyOf(producedAtoms));
    }

    @Override
    public InferenceRecord fail(long inferenceId, long durationMs, String error) {
        InferenceRows.checkDuration(durationMs);
        return end(inferenceId, InferenceStatus.FAILED, durationMs, null, InferenceRows.errorText(error), List.of());
    }

    private InferenceRecord end(long inferenceId, InferenceStatus status, long durationMs, String summary,
                                String error, List<Long> produced) {
        return session.single(Procedures.END_INFERENCE, call -> call.setLong("InferenceId", inferenceId)
                .setString("Status", status.name()).setLong("DurationMs", durationMs)
                .setString("OutputSummary", summary).setString("Error", error)
                .setString("ProducedAtoms", InferenceRows.atomsJson(produced)), SqlServerInferenceStore::record);
    }

    @Override
    public Optional<InferenceRecord> byId(long inferenceId) {
        return session.one(Procedures.GET_INFERENCE, call -> call.setLong("InferenceId", inferenceId),
                SqlServerInferenceStore::record);
    }

    @Override
    public List<InferenceRecord> list(Long modelId, Instant since, int limit) {
        InferenceRows.checkLimit(limit);
        return session.list(Procedures.LIST_INFERENCES, call -> call.setLongOrNull("ModelId", modelId)
                .setInstant("Since", since).setInt("Limit", limit), SqlServerInferenceStore::record);
    }

    /** A row of sql/079: the record's columns, its receipt's, and the receipt's lists as JSON. */
    private static InferenceRecord record(ResultSet rs) throws SQLException {
        return InferenceRows.record(SqlRows.RECORDS, rs, InferenceRows.parseAtoms(rs.getString("InputAtoms")),
                InferenceRows.parseTensors(rs.getString("Tensors")));
    }
}
