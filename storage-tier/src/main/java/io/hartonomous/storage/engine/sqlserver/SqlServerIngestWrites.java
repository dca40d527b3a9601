package io.hartonomous.storage.engine.sqlserver;

import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.ChunkReceipt;
import io.hartonomous.storage.contract.ingest.IngestWrites;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.ingest.JobStart;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.models.NewModel;
import io.hartonomous.storage.contract.StorageException;

import io.hartonomous.storage.engine.jdbc.RetryableConflict;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Jobs and chunk writes through sql/070; each procedure is one transaction, the chunk's with the watermark. */
record SqlServerIngestWrites(Session session, BulkChunkWriter chunks) implements IngestWrites {
    @Override
    public JobStart startJob(NewJob job) {
        Procedure p = Procedures.START_INGESTION_JOB;
        return session.run(p.name(), c -> {
            try (ProcedureCall call = ProcedureCall.prepare(c, p)) {
                call.setString("Modality", job.modality().wireName())
                        .setString("Name", job.name())
                        .setBytes("ContentHash", job.fileHash().bytes())
                        .setLong("BytesTotal", job.bytesTotal())
                        .setString("Metadata", job.metadataJson())
                        .setString("SourcePath", job.sourcePath())
                        .setIntOrNull("ChildIndex", job.childIndex());
                // Two result sets: the job with its Deduplicated / InProgress flags, then the parent atom.
                IngestionJob started;
                boolean deduplicated;
                boolean inProgress;
                try (ResultSet rs = call.first()) {
                    if (rs == null || !rs.next()) {
                        throw new SQLException(p.name() + " returned no job");
                    }
                    started = SqlRows.RECORDS.job(rs);
                    deduplicated = rs.getBoolean("Deduplicated");
                    inProgress = rs.getBoolean("InProgress");
                }
                Atom parent;
                try (ResultSet rs = call.nextResultSet()) {
                    if (rs == null || !rs.next()) {
                        throw new SQLException(p.name() + " returned no parent atom");
                    }
                    parent = SqlRows.RECORDS.atom(rs);
                }
                call.drain();
                return new JobStart(started, parent, deduplicated, inProgress);
            }
        });
    }

    @Override
    public Model registerModel(long jobId, NewModel model) {
        model.requireNamed();
        return session.single(Procedures.REGISTER_MODEL, call -> call.setLong("JobId", jobId)
                .setString("Name", model.name())
                .setString("Format", model.format())
                .setString("Metadata", model.metadataJson())
                .setTable("Layers", ChunkRows.layers(model.layers()))
                .setBytes("Structure", model.structure()), SqlRows.RECORDS::model);
    }

    @Override
    public ChunkReceipt writeChunk(long jobId, Chunk chunk) {
        return session.run(Procedures.WRITE_CHUNK.name(), c -> {
            try {
                return chunks.write(c, jobId, chunk);
            } catch (SQLException e) {
                // MERGE ... WITH (HOLDLOCK) makes the atom upsert race-free; should a unique-key race on dbo.Atoms
                // still surface (the procedure maps row conflicts to 50409 itself), the whole chunk runs again.
                if (SqlErrors.isUniqueViolation(e)) {
                    throw new RetryableConflict("another writer inserted the same atom first", e);
                }
                throw e;
            }
        });
    }

    @Override
    public IngestionJob completeJob(long jobId, String metadataJson) {
        return session.one(Procedures.COMPLETE_INGESTION_JOB, call -> call.setLong("JobId", jobId)
                        .setString("Metadata", metadataJson), SqlRows.RECORDS::job)
                .orElseThrow(() -> new StorageException("job " + jobId + " vanished while completing"));
    }

    @Override
    public IngestionJob failJob(long jobId, String error) {
        return session.one(Procedures.FAIL_INGESTION_JOB, call -> call.setLong("JobId", jobId)
                        .setString("Error", error), SqlRows.RECORDS::job)
                .orElseThrow(() -> new StorageException("job " + jobId + " vanished while failing"));
    }

    @Override
    public Optional<IngestionJob> job(long jobId) {
        return session.one(Procedures.GET_INGESTION_JOB, call -> call.setLong("JobId", jobId), SqlRows.RECORDS::job);
    }
}
