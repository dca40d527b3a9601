package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.ChunkReceipt;
import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.ingest.IngestWrites;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.ingest.JobStart;
import io.hartonomous.storage.contract.ingest.JobState;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.models.NewModel;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.engine.jdbc.ContractRows;
import io.hartonomous.storage.engine.jdbc.RetryableConflict;
import io.hartonomous.storage.engine.jdbc.UnitOfWork;
import io.hartonomous.storage.engine.segments.SegmentPlan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;

/**
 * Jobs and chunk writes on H2: each chunk is one transaction together with the job's watermark. A chunk's segment
 * positions add references only to atoms the chunk inserts; the rest settle when the job completes
 * ({@link OccurrenceSettlement}), and {@code held} spares later chunks the lookups of atoms earlier ones brought.
 */
record EmbeddedIngestWrites(String tenantId, UnitOfWork tx, AtomUpserter upserter, HeldAtoms held)
        implements IngestWrites {
    private static final int ERROR_LIMIT = 4000;

    @Override
    public JobStart startJob(NewJob job) {
        ContentHash expected = job.fileHash();
        return tx.inTransaction("startJob", c -> {
            Optional<Atom> parent = parentByHash(c, expected);
            if (parent.isPresent()) {
                return reuse(c, job, parent.get());
            }
            long parentId;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO Atoms (ContentHash, Modality, Subtype, AtomicValue, Metadata, ReferenceCount) "
                            + "VALUES (?, ?, 'file', NULL, ?, 0)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setBytes(1, expected.bytes());
                ps.setString(2, job.modality().wireName());
                ps.setString(3, job.metadataJson());
                ps.executeUpdate();
                parentId = generatedKey(ps);
            } catch (SQLException e) {
                if (H2Errors.isUniqueViolation(e)) {
                    throw new RetryableConflict("the same file was started concurrently");
                }
                throw e;
            }
            own(c, parentId);
            long jobId = insertJob(c, job, parentId, JobState.RUNNING);
            return new JobStart(loadJob(c, jobId), parentByHash(c, expected).orElseThrow(), false, false);
        });
    }

    /** The file is stored already: completed → record a deduplicated job; running → report who is ingesting it. */
    private JobStart reuse(Connection c, NewJob job, Atom parent) throws SQLException {
        if (!parent.type().isFile()) {
            throw new IllegalArgumentException("hash " + parent.contentHash() + " belongs to a leaf atom, not a file");
        }
        // A deletion may have detached the file since it was looked up (its hash is free then, EmbeddedDeletions):
        // the locked row says, and the start runs again and finds no file, instead of owning rows that are going.
        try (PreparedStatement ps = c.prepareStatement("SELECT ContentHash FROM Atoms WHERE AtomId = ? FOR UPDATE")) {
            ps.setLong(1, parent.atomId());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !java.util.Arrays.equals(rs.getBytes(1), parent.contentHash().bytes())) {
                    throw new RetryableConflict("the file was being deleted when it was looked up");
                }
            }
        }
        IngestionJob latest = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + Rows.JOB_COLUMNS + " FROM IngestionJobs "
                + "WHERE ParentAtomId = ? AND State <> 'FAILED' ORDER BY CASE State WHEN 'COMPLETED' THEN 0 ELSE 1 END, "
                + "JobId LIMIT 1")) {
            ps.setLong(1, parent.atomId());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    latest = Rows.RECORDS.job(rs);
                }
            }
        }
        if (latest != null && latest.state() == JobState.RUNNING) {
            if (!latest.tenantId().equals(tenantId)) {
                throw new ConflictException("the same file is being ingested right now; retry when that finishes");
            }
            return new JobStart(latest, parent, false, true);
        }
        own(c, parent.atomId());
        long jobId = insertJob(c, job, parent.atomId(), JobState.COMPLETED);
        try (PreparedStatement ps = c.prepareStatement("UPDATE IngestionJobs SET BytesDone = BytesTotal, "
                + "DistinctAtoms = ?, Compositions = ?, NewAtoms = 0 WHERE JobId = ?")) {
            ps.setLong(1, latest == null ? 0 : latest.distinctAtoms());
            ps.setLong(2, latest == null ? 0 : latest.compositions());
            ps.setLong(3, jobId);
            ps.executeUpdate();
        }
        return new JobStart(loadJob(c, jobId), parent, true, false);
    }

    private Optional<Atom> parentByHash(Connection c, ContentHash hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + Rows.ATOM_COLUMNS + " FROM Atoms a WHERE a.ContentHash = ?")) {
            ps.setBytes(1, hash.bytes());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Rows.RECORDS.atom(rs)) : Optional.empty();
            }
        }
    }

    private void own(Connection c, long atomId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "MERGE INTO AtomOwners (AtomId, TenantId) KEY (AtomId, TenantId) VALUES (?, ?)")) {
            ps.setLong(1, atomId);
            ps.setString(2, tenantId);
            ps.executeUpdate();
        }
    }

    private long insertJob(Connection c, NewJob job, long parentId, JobState state) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO IngestionJobs (TenantId, Modality, Name, State, "
                + "ParentAtomId, ContentHash, BytesTotal, SourcePath, ChildIndex) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, tenantId);
            ps.setString(2, job.modality().wireName());
            ps.setString(3, job.name());
            ps.setString(4, state.name());
            ps.setLong(5, parentId);
            ps.setBytes(6, job.fileHash().bytes());
            ps.setLong(7, job.bytesTotal());
            ps.setString(8, job.sourcePath());
            ps.setObject(9, job.childIndex(), java.sql.Types.INTEGER);
            ps.executeUpdate();
            return generatedKey(ps);
        }
    }

    @Override
    public Model registerModel(long jobId, NewModel model) {
        model.requireNamed();
        return tx.inTransaction("registerModel", c -> {
            IngestionJob job = lockJob(c, jobId);
            Optional<Model> existing = EmbeddedModelStore.modelByJob(c, jobId);
            if (existing.isPresent()) {
                return existing.get();
            }
            requireRunning(job);
            long parameters = model.layers().stream().mapToLong(ModelLayer::elementCount).sum();
            long modelId;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO Models (ParentAtomId, JobId, Name, Format, "
                    + "TensorCount, ParameterCount, Metadata, Structure) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, job.parentAtomId());
                ps.setLong(2, jobId);
                ps.setString(3, model.name());
                ps.setString(4, model.format());
                ps.setInt(5, model.layers().size());
                ps.setLong(6, parameters);
                ps.setString(7, model.metadataJson());
                ps.setBytes(8, model.structure());
                ps.executeUpdate();
                modelId = generatedKey(ps);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ModelLayers (ModelId, LayerIdx, Name, Shape, "
                    + "DType, StoredAs, ElementCount) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (ModelLayer layer : model.layers()) {
                    ps.setLong(1, modelId);
                    ps.setInt(2, layer.layerIdx());
                    ps.setString(3, layer.name());
                    ps.setString(4, ContractRows.shapeText(layer.shape()));
                    ps.setString(5, layer.dtype());
                    ps.setString(6, layer.storedAs());
                    ps.setLong(7, layer.elementCount());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return EmbeddedModelStore.modelByJob(c, jobId).orElseThrow();
        });
    }

    /**
     * A chunk's outcome; when it wrote segments, by chunk ordinal: the atom ids, their entries in the owner's
     * dictionary ({@code of}), which of them {@link HeldAtoms} knew before the chunk (-1 where it did not) and the
     * positions stored.
     */
    private record Written(ChunkReceipt receipt, OccurrenceTally.Dictionary of, long[] atomIds,
                           SegmentDictionary.Entries entries, int[] knownBefore, long[] occurrences) {
        Written(ChunkReceipt receipt) {
            this(receipt, null, null, null, null, null);
        }
    }

    @Override
    public ChunkReceipt writeChunk(long jobId, Chunk chunk) {
        long[] delta = referenceDeltas(chunk);
        // A chunk of segments alone, or of tensor coefficients alone, defers references; rows count as written.
        SegmentPlan plan = chunk.coefficients().size() == 0 ? SegmentPlan.of(chunk.compositions()) : null;
        Written written = tx.inTransaction("writeChunk", c -> {
            IngestionJob job = lockJob(c, jobId);
            requireRunning(job);
            if (chunk.chunkIndex() < job.chunksCommitted()) {
                return new Written(new ChunkReceipt(chunk.chunkIndex(), true, 0, 0, 0, 0));
            }
            if (chunk.chunkIndex() > job.chunksCommitted()) {
                throw new ConflictException("chunk " + chunk.chunkIndex() + " of job " + jobId
                        + " is out of order: the next chunk is " + job.chunksCommitted());
            }
            if (plan != null) {
                return writeHeld(c, job, chunk, delta, OccurrenceTally.Dictionary.FILE, (ids, known, created) -> new SegmentWriter(c,
                        job.parentAtomId()).writeRunning(plan, chunk.compositions(), ids, known, created));
            }
            long modelId = chunk.coefficients().size() > 0
                    ? EmbeddedModelStore.modelByJob(c, jobId).orElseThrow(() -> new ConflictException(
                    "job " + jobId + " has coefficient rows but no registered model")).modelId()
                    : 0;
            if (modelId != 0 && chunk.compositions().size() == 0) {
                return writeHeld(c, job, chunk, delta, OccurrenceTally.Dictionary.MODEL, (ids, known, created) -> new TensorSegmentWriter(c,
                        modelId).writeRunning(chunk.coefficients(), ids, known, created));
            }
            AtomUpserter.Result atoms = upserter.resolve(c, chunk.atoms(), delta);
            new SegmentWriter(c, job.parentAtomId()).write(chunk.compositions(), atoms.atomIds());
            if (modelId != 0) {
                new TensorSegmentWriter(c, modelId).write(chunk.coefficients(), atoms.atomIds());
            }
            upserter.bumpExisting(c, atoms);
            return new Written(advance(c, jobId, chunk, atoms.newAtoms(), atoms.distinctAtoms()));
        });
        if (written.atomIds() != null) {
            held.learn(jobId, written.of(), chunk.chunkIndex(), chunk.atoms(), written.atomIds(), written.entries(),
                    written.knownBefore(), written.occurrences());
        }
        return written.receipt();
    }

    /**
     * Writes a chunk's segments, given each atom's id, the ordinal its owner holds it at (-1: not known) and whether
     * the chunk inserted it.
     */
    @FunctionalInterface
    private interface HeldWriter {
        SegmentDictionary.Entries write(long[] atomIds, int[] knownOrdinal, boolean[] created) throws SQLException;
    }

    /**
     * A chunk of segments: atoms its file or model holds already (known here from earlier chunks, or found in the
     * dictionary) are neither looked up again nor referenced again; atoms new to the database are inserted with the
     * chunk's references. Atoms that existed but are new to the owner get an entry and no reference until the job
     * completes (docs/decisions.md, "Existing atoms settle at completion too"): incrementing them here rewrote, at
     * every chunk's commit, Atoms pages scattered over a grown table. Their entries keep them meanwhile, which a purge
     * committed since they were looked up would break ({@link AtomPurges}).
     */
    private Written writeHeld(Connection c, IngestionJob job, Chunk chunk, long[] delta, OccurrenceTally.Dictionary of,
                              HeldWriter writer) throws SQLException {
        long purges = AtomPurges.seen(c);
        int n = delta.length;
        int[] known = new int[n];
        long[] knownIds = new long[n];
        long[] owed = delta.clone();
        Map<ContentHash, HeldAtoms.Held> heldByHash = held.ofJob(job.jobId());
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            known[i] = -1;
            if (delta[i] == 0) {
                continue;
            }
            distinct++;
            HeldAtoms.Held h = heldByHash.get(chunk.atoms().get(i).contentHash());
            if (h != null) {
                known[i] = h.ordinal();
                knownIds[i] = h.atomId();
                owed[i] = 0;
            }
        }
        AtomUpserter.Result atoms = upserter.resolve(c, chunk.atoms(), owed);
        long[] ids = atoms.atomIds().clone();
        for (int i = 0; i < n; i++) {
            if (known[i] >= 0) {
                ids[i] = knownIds[i];
            }
        }
        SegmentDictionary.Entries entries = writer.write(ids, known, atoms.created());
        for (int i = 0; i < n; i++) {
            if (delta[i] > 0 && known[i] < 0 && !entries.held()[i] && !atoms.created()[i]) {
                AtomPurges.requireNoneSince(c, purges);
                break;
            }
        }
        return new Written(advance(c, job.jobId(), chunk, atoms.newAtoms(), distinct), of, ids, entries, known, delta);
    }

    /** The watermark and the job's counters move with the chunk. */
    private static ChunkReceipt advance(Connection c, long jobId, Chunk chunk, int newAtoms, int distinct)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE IngestionJobs SET ChunksCommitted = ?, "
                + "BytesDone = GREATEST(BytesDone, ?), NewAtoms = NewAtoms + ?, "
                + "Compositions = Compositions + ?, UpdatedAt = CURRENT_TIMESTAMP WHERE JobId = ?")) {
            ps.setInt(1, chunk.chunkIndex() + 1);
            ps.setLong(2, chunk.bytesDone());
            ps.setLong(3, newAtoms);
            ps.setLong(4, (long) chunk.compositions().size() + chunk.coefficients().size());
            ps.setLong(5, jobId);
            ps.executeUpdate();
        }
        return new ChunkReceipt(chunk.chunkIndex(), false, distinct, newAtoms, chunk.compositions().size(),
                chunk.coefficients().size());
    }

    /** How many rows of the chunk point at each atom. */
    static long[] referenceDeltas(Chunk chunk) {
        long[] delta = new long[chunk.atoms().size()];
        CompositionBatch comps = chunk.compositions();
        for (int i = 0; i < comps.size(); i++) {
            delta[comps.atomOrdinal()[i]]++;
        }
        CoefficientBatch coeffs = chunk.coefficients();
        for (int i = 0; i < coeffs.size(); i++) {
            delta[coeffs.atomOrdinal()[i]]++;
        }
        return delta;
    }

    @Override
    public IngestionJob completeJob(long jobId, String metadataJson) {
        IngestionJob done = tx.inTransaction("completeJob", c -> {
            IngestionJob job = lockJob(c, jobId);
            if (job.state() == JobState.COMPLETED) {
                return job;
            }
            requireRunning(job);
            Optional<Model> model = EmbeddedModelStore.modelByJob(c, jobId);
            OccurrenceTally tally = held.tally(jobId);
            OccurrenceSettlement.ofFile(c, job.parentAtomId())
                    .settle(tally.owed(OccurrenceTally.Dictionary.FILE, job.chunksCommitted()));
            if (model.isPresent()) {
                OccurrenceSettlement.ofModel(c, model.get().modelId())
                        .settle(tally.owed(OccurrenceTally.Dictionary.MODEL, job.chunksCommitted()));
            }
            // The dictionary holds each distinct atom of the segments once; the row table may hold more, or repeat
            // them (counted without a UNION: deduplicating a photo's dictionary took seconds).
            long distinct = countDistinct(c, "SELECT (SELECT COUNT(*) FROM CompositionDictionary WHERE ParentAtomId "
                    + "= ?1) + (SELECT COUNT(DISTINCT r.ComponentAtomId) FROM AtomCompositionRows r WHERE "
                    + "r.ParentAtomId = ?1 AND NOT EXISTS (SELECT 1 FROM CompositionDictionary d WHERE "
                    + "d.ParentAtomId = ?1 AND d.AtomId = r.ComponentAtomId))", job.parentAtomId());
            if (model.isPresent()) {
                distinct += countDistinct(c, "SELECT COUNT(*) FROM TensorDictionary WHERE ModelId = ? "
                        + "AND Occurrences > 0", model.get().modelId());
            }
            if (metadataJson != null) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE Atoms SET Metadata = ? WHERE AtomId = ?")) {
                    ps.setString(1, metadataJson);
                    ps.setLong(2, job.parentAtomId());
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE IngestionJobs SET State = 'COMPLETED', "
                    + "DistinctAtoms = ?, BytesDone = BytesTotal, UpdatedAt = CURRENT_TIMESTAMP WHERE JobId = ?")) {
                ps.setLong(1, distinct);
                ps.setLong(2, jobId);
                ps.executeUpdate();
            }
            return loadJob(c, jobId);
        });
        held.forget(jobId);
        return done;
    }

    /** The single number a query over one id returns. */
    static long countDistinct(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public IngestionJob failJob(long jobId, String error) {
        String message = error == null ? "failed" : error.length() > ERROR_LIMIT ? error.substring(0, ERROR_LIMIT) : error;
        IngestionJob failed = tx.inTransaction("failJob", c -> {
            IngestionJob job = lockJob(c, jobId);
            if (job.state() == JobState.FAILED) {
                return job;
            }
            if (job.state() == JobState.COMPLETED) {
                throw new ConflictException("job " + jobId + " already completed; it cannot fail now");
            }
            new JobRemoval(c).removeEverythingWrittenBy(job);
            try (PreparedStatement ps = c.prepareStatement("UPDATE IngestionJobs SET State = 'FAILED', Error = ?, "
                    + "ChunksCommitted = 0, NewAtoms = 0, Compositions = 0, DistinctAtoms = 0, "
                    + "UpdatedAt = CURRENT_TIMESTAMP WHERE JobId = ?")) {
                ps.setString(1, message);
                ps.setLong(2, jobId);
                ps.executeUpdate();
            }
            return loadJob(c, jobId);
        });
        held.forget(jobId);
        return failed;
    }

    @Override
    public Optional<IngestionJob> job(long jobId) {
        return tx.read("job", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + Rows.JOB_COLUMNS + " FROM IngestionJobs WHERE JobId = ? AND TenantId = ?")) {
                ps.setLong(1, jobId);
                ps.setString(2, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Rows.RECORDS.job(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Locks the job row: chunks of one job are serialised, and the watermark check is race-free. */
    private IngestionJob lockJob(Connection c, long jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + Rows.JOB_COLUMNS
                + " FROM IngestionJobs WHERE JobId = ? AND TenantId = ? FOR UPDATE")) {
            ps.setLong(1, jobId);
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("job " + jobId + " not found");
                }
                return Rows.RECORDS.job(rs);
            }
        }
    }

    private static void requireRunning(IngestionJob job) {
        if (job.state() != JobState.RUNNING) {
            throw new ConflictException("job " + job.jobId() + " is " + job.state().name().toLowerCase()
                    + " and takes no more writes");
        }
    }

    private IngestionJob loadJob(Connection c, long jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + Rows.JOB_COLUMNS + " FROM IngestionJobs WHERE JobId = ?")) {
            ps.setLong(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Rows.RECORDS.job(rs);
            }
        }
    }

    static long generatedKey(PreparedStatement ps) throws SQLException {
        try (ResultSet keys = ps.getGeneratedKeys()) {
            if (!keys.next()) {
                throw new SQLException("no generated key returned");
            }
            return keys.getLong(1);
        }
    }
}
