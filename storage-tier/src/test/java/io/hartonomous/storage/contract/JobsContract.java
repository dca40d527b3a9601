package io.hartonomous.storage.contract;

import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.ingest.JobState;
import io.hartonomous.storage.contract.ingest.NewJob;

import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.ingest.ChunkReceipt;
import io.hartonomous.storage.contract.ingest.JobStart;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Job lifecycle: watermark, replay, failure rollback, file-level dedup, resume listing. */
public abstract class JobsContract extends StorageContractSuite {

    @Test
    void chunkBelowTheWatermarkIsSkippedAndOutOfOrderChunkIsRefused() {
        TenantStorage t = engine.forTenant(newTenant());
        long job = t.ingest().startJob(newJob(Modality.IMAGE, "w.png")).job().jobId();
        List<NewAtom> atoms = randomPixels(2);
        t.ingest().writeChunk(job, imageChunk(0, atoms, 0, 0, 1));

        ChunkReceipt replay = t.ingest().writeChunk(job, imageChunk(0, atoms, 0, 0, 1));
        assertThat(replay.alreadyCommitted()).isTrue();
        assertThat(t.atoms().byHash(atoms.get(0).contentHash()).orElseThrow().referenceCount()).isEqualTo(1);

        assertThatThrownBy(() -> t.ingest().writeChunk(job, imageChunk(5, atoms, 10, 0)))
                .isInstanceOf(ConflictException.class).hasMessageContaining("out of order");
        assertThat(t.ingest().job(job).orElseThrow().chunksCommitted()).isEqualTo(1);
    }

    @Test
    void failedChunkLeavesNoRows() {
        TenantStorage t = engine.forTenant(newTenant());
        JobStart start = t.ingest().startJob(newJob(Modality.IMAGE, "f.png"));
        long job = start.job().jobId();
        List<NewAtom> first = randomPixels(2);
        t.ingest().writeChunk(job, imageChunk(0, first, 0, 0, 1));
        // Chunk 1 brings new atoms but repeats sequence 1: it must fail as a whole, atoms included.
        List<NewAtom> fresh = randomPixels(2);
        Chunk bad = new Chunk(1, fresh, new CompositionBatch(2, new long[] {2, 1}, new long[] {2, 1},
                new long[] {0, 0}, new int[] {0, 1}), null, 0);
        assertThatThrownBy(() -> t.ingest().writeChunk(job, bad)).isInstanceOf(StorageException.class);

        assertThat(t.atoms().byHash(fresh.get(0).contentHash())).isEmpty();
        assertThat(t.atoms().byHash(fresh.get(1).contentHash())).isEmpty();
        assertThat(t.atoms().compositionCount(start.parent().atomId())).isEqualTo(2);
        assertThat(t.ingest().job(job).orElseThrow().chunksCommitted()).isEqualTo(1);
    }

    @Test
    void failingAJobRemovesEverythingItWroteAndRestoresSharedCounts() {
        TenantStorage t = engine.forTenant(newTenant());
        List<NewAtom> shared = randomPixels(1);
        long keeper = t.ingest().startJob(newJob(Modality.IMAGE, "keep.png")).job().jobId();
        t.ingest().writeChunk(keeper, imageChunk(0, shared, 0, 0));
        t.ingest().completeJob(keeper, null);

        JobStart doomed = t.ingest().startJob(newJob(Modality.IMAGE, "bad.png"));
        List<NewAtom> own = randomPixels(1);
        List<NewAtom> both = List.of(shared.getFirst(), own.getFirst());
        t.ingest().writeChunk(doomed.job().jobId(), imageChunk(0, both, 0, 0, 0, 1));
        assertThat(t.atoms().byHash(shared.getFirst().contentHash()).orElseThrow().referenceCount())
                .as("the keeper's reference, and the running job's unless they wait for its completion")
                .isBetween(1L, 3L);

        IngestionJob failed = t.ingest().failJob(doomed.job().jobId(), "truncated input");
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.error()).isEqualTo("truncated input");
        assertThat(t.atoms().byHash(shared.getFirst().contentHash()).orElseThrow().referenceCount()).isEqualTo(1);
        assertThat(t.atoms().byHash(own.getFirst().contentHash())).isEmpty();
        assertThat(t.atoms().byId(doomed.parent().atomId())).isEmpty();
        assertThatThrownBy(() -> t.ingest().writeChunk(doomed.job().jobId(), imageChunk(1, own, 9, 0)))
                .isInstanceOf(ConflictException.class);
    }

    @Test
    void identicalFileIsDeduplicatedAndBecomesVisibleToTheSecondTenant() {
        TenantStorage a = engine.forTenant(newTenant());
        TenantStorage b = engine.forTenant(newTenant());
        NewJob file = newJob(Modality.IMAGE, "same.png");
        JobStart first = a.ingest().startJob(file);
        assertThat(first.deduplicated()).isFalse();

        JobStart again = a.ingest().startJob(file);
        assertThat(again.inProgress()).isTrue();
        assertThat(again.job().jobId()).isEqualTo(first.job().jobId());
        assertThatThrownBy(() -> b.ingest().startJob(file)).isInstanceOf(ConflictException.class);

        a.ingest().writeChunk(first.job().jobId(), imageChunk(0, randomPixels(2), 0, 0, 1));
        a.ingest().completeJob(first.job().jobId(), null);
        assertThat(b.atoms().byId(first.parent().atomId())).isEmpty();

        JobStart dedup = b.ingest().startJob(file);
        assertThat(dedup.deduplicated()).isTrue();
        assertThat(dedup.parent().atomId()).isEqualTo(first.parent().atomId());
        assertThat(dedup.job().state()).isEqualTo(JobState.COMPLETED);
        assertThat(dedup.job().compositions()).isEqualTo(2);
        assertThat(dedup.job().newAtoms()).isZero();
        assertThat(b.atoms().byId(first.parent().atomId())).isPresent();
    }

    @Test
    void runningJobsAreListedForResumeUntilTheyFinish() {
        TenantStorage t = engine.forTenant(newTenant());
        long job = t.ingest().startJob(newJob(Modality.AUDIO, "r.wav")).job().jobId();
        assertThat(engine.unfinishedJobs()).extracting(IngestionJob::jobId).contains(job);
        t.ingest().completeJob(job, null);
        assertThat(engine.unfinishedJobs()).extracting(IngestionJob::jobId).doesNotContain(job);
        assertThat(t.ingest().completeJob(job, null).state()).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void aChildIndexRoundTripsThroughEveryJobRowAndAWholeFileHasNone() {
        TenantStorage t = engine.forTenant(newTenant());
        NewJob frame = new NewJob(Modality.IMAGE, "a.gif#frame=3", randomFileHash(Modality.IMAGE), 1000, "{}",
                "/spool/a.upload", 3);
        JobStart started = t.ingest().startJob(frame);
        long job = started.job().jobId();
        assertThat(started.job().childIndex()).isEqualTo(3);
        assertThat(started.job().sourcePath()).isEqualTo("/spool/a.upload");
        assertThat(t.ingest().job(job).orElseThrow().childIndex()).isEqualTo(3);
        assertThat(engine.unfinishedJobs()).filteredOn(j -> j.jobId() == job).singleElement()
                .extracting(IngestionJob::childIndex).isEqualTo(3);
        assertThat(t.ingest().completeJob(job, null).childIndex()).isEqualTo(3);
        assertThat(t.ingest().startJob(frame).job().childIndex()).as("the deduplicated job's row").isEqualTo(3);

        assertThat(t.ingest().startJob(newJob(Modality.IMAGE, "whole.gif")).job().childIndex()).isNull();
        assertThatThrownBy(() -> new NewJob(Modality.IMAGE, "x", randomFileHash(Modality.IMAGE), 1, "{}", null, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
