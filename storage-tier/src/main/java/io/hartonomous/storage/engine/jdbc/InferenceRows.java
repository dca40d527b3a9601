package io.hartonomous.storage.engine.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hartonomous.storage.contract.StorageException;
import io.hartonomous.storage.contract.inference.Evidence;
import io.hartonomous.storage.contract.inference.InferenceEdges;
import io.hartonomous.storage.contract.inference.InferenceReceipt;
import io.hartonomous.storage.contract.inference.InferenceRecord;
import io.hartonomous.storage.contract.inference.InferenceStatus;
import io.hartonomous.storage.contract.inference.NewInference;
import io.hartonomous.storage.contract.inference.NewReasoningRun;
import io.hartonomous.storage.contract.inference.ReceiptTensor;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Inference records and receipts as both engines store them: the argument checks of the contract, the relations of
 * the provenance edges, and the mapping of a row (Inferences joined with InferenceReceipts, columns named alike on
 * both engines) plus its receipt lists to a record. SQL Server hands the receipt lists over as JSON, both ways.
 */
public final class InferenceRows {
    /** The edge from a run's INFERENCE node to the model it ran. */
    public static final String RAN = InferenceEdges.RAN;
    /** The edges from a run's node to the atoms its inputs came from. */
    public static final String READ = InferenceEdges.READ;
    /** The edges from a run's node to the atoms it produced. */
    public static final String PRODUCED = InferenceEdges.PRODUCED;
    /** The edges from a reasoning run's node to the atoms it chose (its evidence with {@code chosen} true). */
    public static final String CHOSE = InferenceEdges.CHOSE;

    public static final int MAX_OPERATION = 64;
    public static final int MAX_ERROR = 4000;
    public static final int MAX_LIST = 1000;

    /** The columns a record is read from (Inferences {@code i}, InferenceReceipts {@code r}). */
    public static final String COLUMNS = "i.InferenceId, i.ModelId, i.Operation, i.Status, i.AsOf, i.CreatedAt, "
            + "i.DurationMs, i.Units, i.OutputSummary, i.Error, i.ParentInferenceId, r.ModelAtomId, r.WeightVersion, "
            + "r.InputSha256";
    /** The columns evidence is read from, in {@link #evidence} order. */
    public static final String EVIDENCE_COLUMNS = "Step, Role, AtomId, ConceptId, Score, Chosen";

    private static final ObjectMapper JSON = new ObjectMapper();

    private InferenceRows() {
    }

    public static void check(NewInference run) {
        if (run.operation().length() > MAX_OPERATION) {
            throw new IllegalArgumentException("an operation name has at most " + MAX_OPERATION + " characters");
        }
        if (run.receipt().weightVersion().length() > 64) {
            throw new IllegalArgumentException("a weight version has at most 64 characters");
        }
        if (run.receipt().inputSha256() != null && !run.receipt().inputSha256().matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("the input SHA-256 is 64 lower-case hex digits");
        }
        for (ReceiptTensor t : run.receipt().tensors()) {
            if (!t.sha256().matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("tensor " + t.name() + ": its SHA-256 is 64 lower-case hex digits");
            }
            if (t.name().length() > 512 || t.elementCount() < 0) {
                throw new IllegalArgumentException("tensor " + t.name() + ": a name of at most 512 characters and a "
                        + "count >= 0");
            }
        }
    }

    public static void check(NewReasoningRun run) {
        if (run.operation().length() > MAX_OPERATION) {
            throw new IllegalArgumentException("an operation name has at most " + MAX_OPERATION + " characters");
        }
    }

    /**
     * Each distinct atom a reasoning run read (its inputs, then its evidence atoms, in order) and whether it chose
     * it at any step: the atoms its {@code read} and {@code chose} edges go to.
     */
    public static LinkedHashMap<Long, Boolean> readAtoms(NewReasoningRun run) {
        LinkedHashMap<Long, Boolean> atoms = new LinkedHashMap<>();
        run.inputAtoms().forEach(a -> atoms.putIfAbsent(a, false));
        for (Evidence e : run.evidence()) {
            if (e.atomId() != null) {
                atoms.merge(e.atomId(), e.chosen(), Boolean::logicalOr);
            }
        }
        return atoms;
    }

    /** A row selected with {@link #EVIDENCE_COLUMNS}. */
    public static Evidence evidence(ResultSet rs) throws SQLException {
        return new Evidence(rs.getInt("Step"), rs.getString("Role"), rs.getObject("AtomId", Long.class),
                rs.getObject("ConceptId", Long.class), rs.getDouble("Score"), rs.getBoolean("Chosen"));
    }

    /** Evidence as SQL Server's OPENJSON reads it (sql/082). */
    private record EvidenceJson(int step, String role, Long atomId, Long conceptId, double score, boolean chosen) {
    }

    public static String evidenceJson(List<Evidence> evidence) {
        return write(evidence.stream().map(e -> new EvidenceJson(e.step(), e.role(), e.atomId(), e.conceptId(),
                e.score(), e.chosen())).toList());
    }

    public static void checkDuration(long durationMs) {
        if (durationMs < 0) {
            throw new IllegalArgumentException("a duration is >= 0 ms, got " + durationMs);
        }
    }

    public static int checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIST) {
            throw new IllegalArgumentException("a list has 1-" + MAX_LIST + " records, got " + limit);
        }
        return limit;
    }

    /** What a failed run records of its error: at most {@link #MAX_ERROR} characters. */
    public static String errorText(String error) {
        String text = error == null || error.isBlank() ? "failed" : error;
        return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) : text;
    }

    /** The label of a run's INFERENCE node: {@code onnx.run #17}. */
    public static String label(String operation, long inferenceId) {
        return operation + " #" + inferenceId;
    }

    /** A row selected with {@link #COLUMNS}, with its receipt's lists. */
    public static InferenceRecord record(ContractRows rows, ResultSet rs, List<Long> inputAtoms,
                                         List<ReceiptTensor> tensors) throws SQLException {
        // A reasoning run has no receipt row: the outer join gives NULLs there.
        String weightVersion = rs.getString("WeightVersion");
        InferenceReceipt receipt = weightVersion == null ? null : new InferenceReceipt(rs.getLong("ModelAtomId"),
                weightVersion, inputAtoms, rs.getString("InputSha256"), tensors);
        return new InferenceRecord(rs.getLong("InferenceId"), rs.getObject("ModelId", Long.class),
                rs.getString("Operation"),
                InferenceStatus.valueOf(rs.getString("Status")), rows.instant(rs, "AsOf"),
                rows.instant(rs, "CreatedAt"), rs.getObject("DurationMs", Long.class), rs.getLong("Units"),
                rs.getString("OutputSummary"), rs.getString("Error"), receipt,
                rs.getObject("ParentInferenceId", Long.class));
    }

    /** A receipt tensor as SQL Server's OPENJSON reads it (sql/079). */
    private record TensorJson(int layerIdx, String name, long elementCount, String sha256) {
    }

    public static String atomsJson(List<Long> atoms) {
        return write(atoms);
    }

    public static String tensorsJson(List<ReceiptTensor> tensors) {
        return write(tensors.stream().map(t -> new TensorJson(t.layerIdx(), t.name(), t.elementCount(), t.sha256()))
                .toList());
    }

    /** A JSON array of atom ids (null or empty text: none). */
    public static List<Long> parseAtoms(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        return read(json, new TypeReference<List<Long>>() { });
    }

    /** A JSON array of receipt tensors as {@link #tensorsJson} writes them (null or empty text: none). */
    public static List<ReceiptTensor> parseTensors(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        return read(json, new TypeReference<List<TensorJson>>() { }).stream()
                .map(t -> new ReceiptTensor(t.layerIdx(), t.name(), t.elementCount(), t.sha256())).toList();
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value + " as JSON", e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new StorageException("a stored receipt is not the JSON it should be: " + e.getOriginalMessage(), e);
        }
    }
}
