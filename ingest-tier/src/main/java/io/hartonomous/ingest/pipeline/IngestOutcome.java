package io.hartonomous.ingest.pipeline;

import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.ingest.JobState;
import io.hartonomous.storage.contract.atoms.Modality;

import java.util.List;

/**
 * What an ingest produced: the job, the file's parent atom and its counts. {@code deduplicated}: the identical file
 * was stored already and nothing was written. {@code children}: frames or pages ingested as their own parents.
 */
public record IngestOutcome(long jobId, long atomId, String contentHash, Modality modality, JobState state,
                            long distinctAtoms, long newAtoms, long compositions, boolean deduplicated,
                            List<IngestOutcome> children) {
    public IngestOutcome {
        children = List.copyOf(children);
    }

    static IngestOutcome of(IngestionJob job, boolean deduplicated, List<IngestOutcome> children) {
        return new IngestOutcome(job.jobId(), job.parentAtomId(), job.contentHash().hex(), job.modality(),
                job.state(), job.distinctAtoms(), job.newAtoms(), job.compositions(), deduplicated, children);
    }
}
