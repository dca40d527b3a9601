package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.graph.GraphNode;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.inference.Evidence;
import io.hartonomous.storage.contract.inference.InferenceRecord;
import io.hartonomous.storage.contract.inference.InferenceStatus;
import io.hartonomous.storage.contract.inference.InferenceStore;
import io.hartonomous.storage.contract.inference.NewInference;
import io.hartonomous.storage.contract.inference.NewReasoningRun;
import io.hartonomous.storage.contract.inference.ReceiptTensor;
import io.hartonomous.storage.engine.jdbc.InferenceNodeProperties;
import io.hartonomous.storage.engine.jdbc.InferenceRows;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Inference records and receipts on H2 (scripts 170, 180); reasoning runs with their evidence instead of a model and
 * a receipt. A record, its receipt and its provenance (the INFERENCE node,
 * its edges, their changes queued for the cold tier) are written in one transaction; the tenant predicate is the
 * TenantId every row carries. ReceiptGuard keeps receipts as written.
 */
record EmbeddedInferenceStore(String tenantId, UnitOfWork tx, EmbeddedProvenanceGraph graph)
        implements InferenceStore {
    /** A reasoning run has no receipt row: its receipt columns come back NULL. */
    private static final String FROM = " FROM Inferences i LEFT JOIN InferenceReceipts r "
            + "ON r.InferenceId = i.InferenceId ";

    /** The model a run starts on, as begin checks it. */
    private record RunnableModel(long parentAtomId, String name, boolean ingested) {
    }

    @Override
    public InferenceRecord begin(NewInference run) {
        InferenceRows.check(run);
        return tx.inTransaction("beginInference", c -> {
            RunnableModel model = model(c, run.modelId());
            if (!model.ingested()) {
                throw new ConflictException("model " + run.modelId() + " is still being ingested; run it once its "
                        + "job has completed");
            }
            if (run.receipt().modelAtomId() != model.parentAtomId()) {
                throw new IllegalArgumentException("the receipt names file atom " + run.receipt().modelAtomId()
                        + " but model " + run.modelId() + " is file atom " + model.parentAtomId());
            }
            Map<Long, NodeKind> inputs = visibleAtoms(c, run.receipt().inputAtoms());
            if (run.parentInferenceId() != null) {
                requireReasoningParent(c, run.parentInferenceId());
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO Inferences (TenantId, ModelId, Operation, "
                    + "Status, AsOf, CreatedAt, Units, ParentInferenceId) VALUES (?, ?, ?, 'RUNNING', ?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, tenantId);
                ps.setLong(2, run.modelId());
                ps.setString(3, run.operation());
                Rows.setInstant(ps, 4, Rows.micros(run.asOf()));
                Rows.setInstant(ps, 5, Rows.micros(Instant.now()));
                ps.setLong(6, run.units());
                ps.setObject(7, run.parentInferenceId(), Types.BIGINT);
                ps.executeUpdate();
                id = EmbeddedIngestWrites.generatedKey(ps);
            }
            writeReceipt(c, id, run);
            GraphNode node = graph.node(c, NodeKind.INFERENCE, id, InferenceRows.label(run.operation(), id), true,
                    InferenceNodeProperties.of(run));
            GraphNode modelNode = graph.node(c, NodeKind.MODEL, run.modelId(), model.name(), false);
            graph.edge(c, node.nodeId(), modelNode.nodeId(), InferenceRows.RAN);
            link(c, node, inputs, InferenceRows.READ);
            return load(c, id).orElseThrow();
        });
    }

    @Override
    public InferenceRecord beginReasoning(NewReasoningRun run) {
        InferenceRows.check(run);
        return tx.inTransaction("beginReasoning", c -> {
            long id = insertReasoning(c, run.operation(), run.parentInferenceId(), run.units());
            recordEvidence(c, id, run);
            return load(c, id).orElseThrow();
        });
    }

    /**
     * The RUNNING record of a reasoning run, inside the caller's transaction (a discover run writes its concepts
     * between this and {@link #recordEvidence}, as its evidence names them).
     */
    long insertReasoning(Connection c, String operation, Long parentInferenceId, long units) throws SQLException {
        if (parentInferenceId != null) {
            requireReasoningParent(c, parentInferenceId);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO Inferences (TenantId, ModelId, Operation, "
                + "Status, AsOf, CreatedAt, Units, ParentInferenceId) VALUES (?, NULL, ?, 'RUNNING', ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            Instant now = Rows.micros(Instant.now());
            ps.setString(1, tenantId);
            ps.setString(2, operation);
            Rows.setInstant(ps, 3, now);
            Rows.setInstant(ps, 4, now);
            ps.setLong(5, units);
            ps.setObject(6, parentInferenceId, Types.BIGINT);
            ps.executeUpdate();
            return EmbeddedIngestWrites.generatedKey(ps);
        }
    }

    /**
     * A reasoning run's evidence and provenance, inside the caller's transaction: the evidence rows, the INFERENCE
     * node, {@code read} edges to each distinct input and evidence atom and {@code chose} edges to the chosen ones.
     */
    void recordEvidence(Connection c, long id, NewReasoningRun run) throws SQLException {
        Map<Long, Boolean> read = InferenceRows.readAtoms(run);
        Map<Long, NodeKind> atoms = visibleAtoms(c, List.copyOf(read.keySet()));
        writeEvidence(c, id, run.evidence());
        GraphNode node = graph.node(c, NodeKind.INFERENCE, id, InferenceRows.label(run.operation(), id), true,
                InferenceNodeProperties.of(run));
        link(c, node, atoms, InferenceRows.READ);
        Map<Long, NodeKind> chosen = new LinkedHashMap<>();
        atoms.forEach((atom, kind) -> {
            if (read.get(atom)) {
                chosen.put(atom, kind);
            }
        });
        link(c, node, chosen, InferenceRows.CHOSE);
    }

    /** Ends a RUNNING record as SUCCEEDED inside the caller's transaction. */
    InferenceRecord succeed(Connection c, long inferenceId, long durationMs, String summary) throws SQLException {
        lockRunning(c, inferenceId);
        end(c, inferenceId, InferenceStatus.SUCCEEDED, durationMs, summary, null);
        return load(c, inferenceId).orElseThrow();
    }

    /** NotFoundException unless the id is one of the tenant's reasoning runs (a model run has no children). */
    private void requireReasoningParent(Connection c, long parentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM Inferences WHERE InferenceId = ? "
                + "AND TenantId = ? AND ModelId IS NULL")) {
            ps.setLong(1, parentId);
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("reasoning run " + parentId + " not found");
                }
            }
        }
    }

    private void writeEvidence(Connection c, long id, List<Evidence> evidence) throws SQLException {
        if (evidence.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO InferenceEvidence (InferenceId, Ordinal, "
                + "TenantId, Step, Role, AtomId, ConceptId, Score, Chosen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < evidence.size(); i++) {
                Evidence e = evidence.get(i);
                ps.setLong(1, id);
                ps.setInt(2, i);
                ps.setString(3, tenantId);
                ps.setInt(4, e.step());
                ps.setString(5, e.role());
                ps.setObject(6, e.atomId(), Types.BIGINT);
                ps.setObject(7, e.conceptId(), Types.BIGINT);
                ps.setDouble(8, e.score());
                ps.setBoolean(9, e.chosen());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public List<Evidence> evidence(long inferenceId) {
        return tx.read("inferenceEvidence", c -> {
            List<Evidence> evidence = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + InferenceRows.EVIDENCE_COLUMNS
                    + " FROM InferenceEvidence WHERE InferenceId = ? AND TenantId = ? ORDER BY Ordinal")) {
                ps.setLong(1, inferenceId);
                ps.setString(2, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        evidence.add(InferenceRows.evidence(rs));
                    }
                }
            }
            return evidence;
        });
    }

    @Override
    public List<InferenceRecord> children(long inferenceId) {
        return tx.read("inferenceChildren", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT InferenceId FROM Inferences "
                    + "WHERE ParentInferenceId = ? AND TenantId = ? ORDER BY InferenceId")) {
                ps.setLong(1, inferenceId);
                ps.setString(2, tenantId);
                return loadEach(c, ps);
            }
        });
    }

    private void writeReceipt(Connection c, long id, NewInference run) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO InferenceReceipts (InferenceId, TenantId, "
                + "ModelAtomId, WeightVersion, InputSha256) VALUES (?, ?, ?, ?, ?)")) {
            ps.setLong(1, id);
            ps.setString(2, tenantId);
            ps.setLong(3, run.receipt().modelAtomId());
            ps.setString(4, run.receipt().weightVersion());
            ps.setString(5, run.receipt().inputSha256());
            ps.executeUpdate();
        }
        List<Long> atoms = run.receipt().inputAtoms();
        if (!atoms.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO InferenceInputAtoms (InferenceId, Ordinal, "
                    + "TenantId, AtomId) VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < atoms.size(); i++) {
                    ps.setLong(1, id);
                    ps.setInt(2, i);
                    ps.setString(3, tenantId);
                    ps.setLong(4, atoms.get(i));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        List<ReceiptTensor> tensors = run.receipt().tensors();
        if (!tensors.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO InferenceReceiptTensors (InferenceId, "
                    + "Ordinal, TenantId, LayerIdx, Name, ElementCount, Sha256) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < tensors.size(); i++) {
                    ReceiptTensor t = tensors.get(i);
                    ps.setLong(1, id);
                    ps.setInt(2, i);
                    ps.setString(3, tenantId);
                    ps.setInt(4, t.layerIdx());
                    ps.setString(5, t.name());
                    ps.setLong(6, t.elementCount());
                    ps.setString(7, t.sha256());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    @Override
    public InferenceRecord succeed(long inferenceId, long durationMs, String outputSummaryJson,
                                   List<Long> producedAtoms) {
        InferenceRows.checkDuration(durationMs);
        List<Long> produced = List.copyOf(producedAtoms);
        return tx.inTransaction("succeedInference", c -> {
            String operation = lockRunning(c, inferenceId);
            Map<Long, NodeKind> atoms = visibleAtoms(c, produced);
            end(c, inferenceId, InferenceStatus.SUCCEEDED, durationMs, outputSummaryJson, null);
            GraphNode node = graph.node(c, NodeKind.INFERENCE, inferenceId,
                    InferenceRows.label(operation, inferenceId), false);
            link(c, node, atoms, InferenceRows.PRODUCED);
            return load(c, inferenceId).orElseThrow();
        });
    }

    @Override
    public InferenceRecord fail(long inferenceId, long durationMs, String error) {
        InferenceRows.checkDuration(durationMs);
        return tx.inTransaction("failInference", c -> {
            lockRunning(c, inferenceId);
            end(c, inferenceId, InferenceStatus.FAILED, durationMs, null, InferenceRows.errorText(error));
            return load(c, inferenceId).orElseThrow();
        });
    }

    @Override
    public Optional<InferenceRecord> byId(long inferenceId) {
        return tx.read("inference", c -> load(c, inferenceId));
    }

    @Override
    public List<InferenceRecord> list(Long modelId, Instant since, int limit) {
        InferenceRows.checkLimit(limit);
        return tx.read("listInferences", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT i.InferenceId FROM Inferences i "
                    + "WHERE i.TenantId = ? AND (CAST(? AS BIGINT) IS NULL OR i.ModelId = ?) "
                    + "AND (CAST(? AS TIMESTAMP WITH TIME ZONE) IS NULL OR i.CreatedAt >= ?) "
                    + "ORDER BY i.CreatedAt DESC, i.InferenceId DESC FETCH FIRST ? ROWS ONLY")) {
                ps.setString(1, tenantId);
                ps.setObject(2, modelId, Types.BIGINT);
                ps.setObject(3, modelId, Types.BIGINT);
                Rows.setInstant(ps, 4, since);
                Rows.setInstant(ps, 5, since);
                ps.setInt(6, limit);
                return loadEach(c, ps);
            }
        });
    }

    /** The records whose ids the query selects, in its order (ids are read first: one open result set at a time). */
    private List<InferenceRecord> loadEach(Connection c, PreparedStatement idQuery) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = idQuery.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        List<InferenceRecord> records = new ArrayList<>(ids.size());
        for (long id : ids) {
            load(c, id).ifPresent(records::add);
        }
        return records;
    }

    /** The tenant's record with its receipt. */
    private Optional<InferenceRecord> load(Connection c, long inferenceId) throws SQLException {
        List<Long> atoms = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT AtomId FROM InferenceInputAtoms "
                + "WHERE InferenceId = ? AND TenantId = ? ORDER BY Ordinal")) {
            ps.setLong(1, inferenceId);
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    atoms.add(rs.getLong(1));
                }
            }
        }
        List<ReceiptTensor> tensors = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT LayerIdx, Name, ElementCount, Sha256 "
                + "FROM InferenceReceiptTensors WHERE InferenceId = ? AND TenantId = ? ORDER BY Ordinal")) {
            ps.setLong(1, inferenceId);
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tensors.add(new ReceiptTensor(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getString(4)));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + InferenceRows.COLUMNS + FROM
                + "WHERE i.InferenceId = ? AND i.TenantId = ?")) {
            ps.setLong(1, inferenceId);
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(InferenceRows.record(Rows.RECORDS, rs, atoms, tensors))
                        : Optional.empty();
            }
        }
    }

    /**
     * The visible model, and whether the tenant has a completed ingestion of its file (its own or a deduplicated
     * one); NotFoundException if the tenant does not see it.
     */
    private RunnableModel model(Connection c, long modelId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT m.ParentAtomId, m.Name, EXISTS (SELECT 1 FROM "
                + "IngestionJobs j WHERE j.ParentAtomId = m.ParentAtomId AND j.TenantId = ? AND j.State = 'COMPLETED') "
                + "FROM Models m WHERE m.ModelId = ? AND " + Visibility.parent("m.ParentAtomId"))) {
            ps.setString(1, tenantId);
            ps.setLong(2, modelId);
            ps.setString(3, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("model " + modelId + " not found");
                }
                return new RunnableModel(rs.getLong(1), rs.getString(2), rs.getBoolean(3));
            }
        }
    }

    /** Each distinct atom's node kind (FILE or ATOM), in order; NotFoundException for one the tenant does not see. */
    private Map<Long, NodeKind> visibleAtoms(Connection c, List<Long> atomIds) throws SQLException {
        Map<Long, NodeKind> kinds = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.Subtype FROM Atoms a WHERE a.AtomId = ? AND "
                + Visibility.ATOM)) {
            for (long atomId : atomIds) {
                if (kinds.containsKey(atomId)) {
                    continue;
                }
                ps.setLong(1, atomId);
                ps.setString(2, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new NotFoundException("atom " + atomId + " not found");
                    }
                    kinds.put(atomId, "file".equals(rs.getString(1)) ? NodeKind.FILE : NodeKind.ATOM);
                }
            }
        }
        return kinds;
    }

    /** Edges from the run's node to each atom's node (created, labelled by its kind, if the atom has none yet). */
    private void link(Connection c, GraphNode run, Map<Long, NodeKind> atoms, String relation) throws SQLException {
        for (Map.Entry<Long, NodeKind> atom : atoms.entrySet()) {
            GraphNode target = graph.node(c, atom.getValue(), atom.getKey(),
                    atom.getValue().name().toLowerCase() + " " + atom.getKey(), false);
            graph.edge(c, run.nodeId(), target.nodeId(), relation);
        }
    }

    /** Locks the tenant's RUNNING record and returns its operation; NotFound or Conflict (already ended). */
    private String lockRunning(Connection c, long inferenceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT Status, Operation FROM Inferences "
                + "WHERE InferenceId = ? AND TenantId = ? FOR UPDATE")) {
            ps.setLong(1, inferenceId);
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("inference " + inferenceId + " not found");
                }
                if (!InferenceStatus.RUNNING.name().equals(rs.getString(1))) {
                    throw new ConflictException("inference " + inferenceId + " already ended ("
                            + rs.getString(1) + ")");
                }
                return rs.getString(2);
            }
        }
    }

    private static void end(Connection c, long inferenceId, InferenceStatus status, long durationMs, String summary,
                            String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE Inferences SET Status = ?, DurationMs = ?, "
                + "OutputSummary = ?, Error = ? WHERE InferenceId = ?")) {
            ps.setString(1, status.name());
            ps.setLong(2, durationMs);
            ps.setString(3, summary);
            ps.setString(4, error);
            ps.setLong(5, inferenceId);
            ps.executeUpdate();
        }
    }
}
