package io.hartonomous.ingest.pipeline;

import io.hartonomous.ingest.atomize.AtomizedFile;
import io.hartonomous.ingest.detect.DetectedFormat;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.billing.UsageEntry;
import io.hartonomous.storage.contract.ingest.IngestionJob;

/**
 * Bills ingests through the contract's usage ledger, priced by the tenant's rate plan. A completed job is one use of
 * {@code ingest.<modality>} whose units are the rows it atomized: pixels of an image (each frame or page of a
 * multi-frame file is its own job and its own use), samples of a sound (frames × channels: one row per interleaved
 * sample), weights of a model (tensor elements); the content type is {@code <modality>/<format>} (image/png,
 * audio/wav, model/gguf) and the complexity the job's distinct atoms, for multipliers. A deduplicated re-upload
 * atomizes nothing but gives the tenant the file: one unit of {@code ingest.<modality>.dedup}. Metering happens once
 * per job, right after the job completes: a resumed job completes (and is billed) once, and a job completed before a
 * crash is never resumed; a crash between completion and the usage row loses that one row rather than billing twice.
 */
final class IngestMeter {
    private static final System.Logger LOG = System.getLogger(IngestMeter.class.getName());

    private IngestMeter() {
    }

    static String contentType(DetectedFormat format) {
        return format.modality().wireName() + "/" + format.formatName();
    }

    static void completed(TenantStorage tenant, IngestionJob done, AtomizedFile atomized) {
        record(tenant, new UsageEntry("ingest." + done.modality().wireName(), atomized.rows(),
                contentType(atomized.format()), done.distinctAtoms(), null), done);
    }

    static void deduplicated(TenantStorage tenant, IngestionJob existing, DetectedFormat format) {
        record(tenant, new UsageEntry("ingest." + existing.modality().wireName() + ".dedup", 1, contentType(format),
                null, null), existing);
    }

    /** The file is stored either way: a usage row that cannot be written is logged, not turned into a failed ingest. */
    private static void record(TenantStorage tenant, UsageEntry use, IngestionJob job) {
        try {
            tenant.usage().record(use);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not record usage " + use.operation() + " (" + use.units()
                    + " units) of job " + job.jobId() + " for tenant " + tenant.tenantId(), e);
        }
    }
}
