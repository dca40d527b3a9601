package io.hartonomous.ingest.pipeline;

import io.hartonomous.ingest.atomize.AtomizedFile;
import io.hartonomous.ingest.atomize.Atomizers;
import io.hartonomous.ingest.atomize.ChildPart;
import io.hartonomous.ingest.atomize.ChunkEmitter;
import io.hartonomous.ingest.atomize.Embedding;
import io.hartonomous.ingest.atomize.FileHashes;
import io.hartonomous.ingest.detect.DetectedFormat;
import io.hartonomous.ingest.detect.FormatDetector;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.graph.GraphNode;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.ingest.JobStart;
import io.hartonomous.storage.contract.ingest.JobState;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.vectors.NewEmbedding;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.TenantStorage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * detect → validate headers and limits → start job (file-level dedup) → atomize chunks (up to
 * {@link IngestSettings#parallelChunks()} at once, handed on in chunk order) while the committer writes each with the
 * job's watermark → built-in embedding and provenance → complete. Everything that can be checked is checked
 * before the job exists, so bad input leaves no rows; a failure after that fails the job, which removes its rows.
 */
public final class IngestPipeline {
    private final StorageEngine engine;
    private final IngestSettings settings;

    public IngestPipeline(StorageEngine engine, IngestSettings settings) {
        this.engine = engine;
        this.settings = settings;
    }

    public IngestSettings settings() {
        return settings;
    }

    /** Ingests the whole body now; convenient for tests and the CLI. */
    public IngestOutcome ingest(String tenantId, Modality modalityOrNull, String name, InputStream body)
            throws IOException {
        Prepared prepared = prepare(tenantId, modalityOrNull, name, body);
        return prepared.finished() != null ? prepared.finished() : run(prepared);
    }

    /**
     * Spools, detects, validates and starts the job. Returns a finished outcome at once when the file is a duplicate
     * (or is being ingested right now by this tenant); otherwise a prepared job for {@link #run}.
     */
    public Prepared prepare(String tenantId, Modality modalityOrNull, String name, InputStream body)
            throws IOException {
        SpooledFile spooled = SpooledFile.write(body, settings.spoolDir(), modalityOrNull,
                settings.limits().maxBytes());
        AtomizedFile atomized = null;
        try {
            // The spool enforced the byte limit; detection and the file hash happen here, once, for all that follows.
            DetectedFormat format = FormatDetector.detect(spooled.path(), modalityOrNull);
            spooled = spooled.withHash(format.modality());
            atomized = Atomizers.open(spooled.path(), format, spooled.hash(), settings.limits(),
                    settings.chunkRows(format.modality()));
            TenantStorage tenant = engine.forTenant(tenantId);
            JobStart start = tenant.ingest().startJob(new NewJob(format.modality(), displayName(name, format),
                    spooled.hash(), spooled.size(), atomized.metadataJson(), spooled.path().toString()));
            if (start.deduplicated() || start.inProgress()) {
                if (start.deduplicated()) {
                    IngestMeter.deduplicated(tenant, start.job(), format);
                }
                atomized.close();
                spooled.delete();
                return new Prepared(tenant, start.job(), null, IngestOutcome.of(start.job(), start.deduplicated(),
                        List.of()));
            }
            return new Prepared(tenant, start.job(), atomized, null);
        } catch (IOException | RuntimeException e) {
            if (atomized != null) {
                atomized.close();
            }
            spooled.delete();
            throw e;
        }
    }

    private static String displayName(String name, DetectedFormat format) {
        if (name == null || name.isBlank()) {
            return "unnamed." + format.formatName().toLowerCase();
        }
        return name.length() > 512 ? name.substring(0, 512) : name;
    }

    /** A job that passed every up-front check and is ready to atomize. */
    public record Prepared(TenantStorage tenant, IngestionJob job, AtomizedFile atomized, IngestOutcome finished) {
    }

    /** Atomizes and writes a prepared job to completion; on failure the job is failed (its rows removed). */
    public IngestOutcome run(Prepared prepared) throws IOException {
        try (AtomizedFile atomized = prepared.atomized()) {
            IngestOutcome outcome = complete(prepared.tenant(), prepared.job(), atomized);
            Files.deleteIfExists(Path.of(prepared.job().sourcePath()));
            return outcome;
        }
    }

    /** Continues a job left RUNNING by a crash, from its committed watermark. */
    public IngestOutcome resume(IngestionJob job) throws IOException {
        TenantStorage tenant = engine.forTenant(job.tenantId());
        JobSource source = JobSource.of(job);
        if (source.spool() == null || !Files.exists(source.spool())) {
            tenant.ingest().failJob(job.jobId(), "the spooled upload was lost before the job finished; ingest the "
                    + "file again");
            throw new IOException("spool of job " + job.jobId() + " is gone");
        }
        Path spool = source.spool();
        DetectedFormat format = FormatDetector.detect(spool, job.modality());
        if (source.childIndex() == null) {
            try (AtomizedFile whole = openForResume(tenant, job, spool, format, job.contentHash(), null)) {
                IngestOutcome outcome = complete(tenant, job, whole);
                Files.deleteIfExists(spool);
                return outcome;
            }
        }
        // A frame's job holds the frame's derived hash; the file's own hash, which frame identities derive from, is
        // not in the row, so a resumed frame hashes its file once.
        ContentHash fileHash = FileHashes.ofFile(format.modality(), spool);
        try (AtomizedFile whole = openForResume(tenant, job, spool, format, fileHash, source.childIndex());
             AtomizedFile part = whole.child(source.childIndex())) {
            return complete(tenant, job, part);
        }
    }

    /**
     * The spooled file opened with the chunk size the job started with ({@link ResumeChunking}), which is opened
     * a second time only when that is not today's setting. A job whose committed chunks fit no size is failed (its
     * rows removed) rather than resumed into skipped or repeated positions.
     */
    private AtomizedFile openForResume(TenantStorage tenant, IngestionJob job, Path spool, DetectedFormat format,
                                       ContentHash fileHash, Integer childIndex) throws IOException {
        int preferred = settings.chunkRows(format.modality());
        AtomizedFile whole = Atomizers.open(spool, format, fileHash, settings.limits(), preferred);
        long rows;
        try {
            if (childIndex == null) {
                rows = whole.rows();
            } else {
                try (AtomizedFile part = whole.child(childIndex)) {
                    rows = part.rows();
                }
            }
        } catch (IOException | RuntimeException e) {
            whole.close();
            throw e;
        }
        OptionalInt chunkRows = ResumeChunking.chunkRows(job, rows, preferred);
        if (chunkRows.isPresent() && chunkRows.getAsInt() == preferred) {
            return whole;
        }
        whole.close();
        if (chunkRows.isEmpty()) {
            String why = "job " + job.jobId() + " committed " + job.chunksCommitted() + " chunks holding "
                    + job.compositions() + " of " + rows + " positions, which no chunk size explains; ingest the "
                    + "file again";
            tenant.ingest().failJob(job.jobId(), why);
            throw new IOException(why);
        }
        return Atomizers.open(spool, format, fileHash, settings.limits(), chunkRows.getAsInt());
    }

    private IngestOutcome complete(TenantStorage tenant, IngestionJob job, AtomizedFile atomized) throws IOException {
        long jobId = job.jobId();
        try {
            Optional<io.hartonomous.storage.contract.models.Model> model;
            // A model takes the file's own name, else the upload's (?name=, or "unnamed.<format>"), never the
            // spool file's; the atomizer registers it through the committer before its first chunk.
            try (QueuedChunkCommitter committer = new QueuedChunkCommitter(tenant.ingest(), jobId, job.name(),
                    settings.queuedChunks())) {
                new ChunkEmitter(settings.parallelChunks()).emit(atomized, job.chunksCommitted(), committer,
                        "atomize-job-" + jobId);
                committer.finish();
                model = committer.registeredModel();
            }
            IngestionJob done = tenant.ingest().completeJob(jobId, atomized.metadataJson());
            IngestMeter.completed(tenant, done, atomized);
            record(tenant, done, atomized, model);
            List<IngestOutcome> children = new ArrayList<>();
            for (ChildPart part : atomized.children()) {
                children.add(child(tenant, done, job.sourcePath(), atomized, part));
            }
            return IngestOutcome.of(done, false, children);
        } catch (IOException | RuntimeException e) {
            failQuietly(tenant, jobId, e);
            throw e;
        }
    }

    /** Built-in embedding and provenance of a completed parent. */
    private static void record(TenantStorage tenant, IngestionJob done, AtomizedFile atomized,
                               Optional<io.hartonomous.storage.contract.models.Model> model) throws IOException {
        GraphNode file = tenant.graph().node(NodeKind.FILE, done.parentAtomId(), done.name());
        Optional<Embedding> embedding = atomized.embedding();
        if (embedding.isPresent()) {
            tenant.vectors().put(new NewEmbedding(done.parentAtomId(), embedding.get().embeddingType(),
                    embedding.get().vector(), true));
            GraphNode node = tenant.graph().node(NodeKind.EMBEDDING, done.parentAtomId(),
                    embedding.get().embeddingType());
            tenant.graph().edge(file.nodeId(), node.nodeId(), "embedded-as");
        }
        if (model.isPresent()) {
            GraphNode node = tenant.graph().node(NodeKind.MODEL, model.get().modelId(), model.get().name());
            tenant.graph().edge(file.nodeId(), node.nodeId(), "atomized-as");
        }
    }

    private IngestOutcome child(TenantStorage tenant, IngestionJob parent, String source, AtomizedFile atomized,
                                ChildPart part) throws IOException {
        try (AtomizedFile child = atomized.child(part.index())) {
            JobStart start = tenant.ingest().startJob(new NewJob(parent.modality(), parent.name() + part.nameSuffix(),
                    part.fileHash(), child.bytesTotal(), child.metadataJson(), source, part.index()));
            IngestionJob job = start.job();
            if (start.deduplicated()) {
                IngestMeter.deduplicated(tenant, job, child.format());
            }
            IngestOutcome outcome = start.deduplicated() || start.inProgress()
                    ? IngestOutcome.of(job, start.deduplicated(), List.of())
                    : complete(tenant, job, child);
            GraphNode from = tenant.graph().node(NodeKind.FILE, job.parentAtomId(), job.name());
            GraphNode to = tenant.graph().node(NodeKind.FILE, parent.parentAtomId(), parent.name());
            tenant.graph().edge(from.nodeId(), to.nodeId(), part.relation());
            return outcome;
        }
    }

    private static void failQuietly(TenantStorage tenant, long jobId, Exception cause) {
        try {
            IngestionJob current = tenant.ingest().job(jobId).orElse(null);
            if (current != null && current.state() == JobState.RUNNING) {
                tenant.ingest().failJob(jobId, cause.getMessage() == null ? cause.toString() : cause.getMessage());
            }
        } catch (RuntimeException failure) {
            cause.addSuppressed(failure);
        }
    }

    /** Resumes every job a crash left RUNNING; returns how many completed. */
    public int resumeUnfinished(java.util.function.Consumer<String> log) {
        int resumed = 0;
        for (IngestionJob job : engine.unfinishedJobs()) {
            try {
                IngestOutcome outcome = resume(job);
                log.accept("resumed job " + job.jobId() + " (" + job.name() + ") from chunk " + job.chunksCommitted()
                        + ": " + outcome.state());
                resumed++;
            } catch (IOException | RuntimeException e) {
                log.accept("could not resume job " + job.jobId() + ": " + e.getMessage());
            }
        }
        return resumed;
    }
}
