package io.hartonomous.ingest.pipeline;

import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.ingest.JobState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** Which chunk size a job left running resumes with, from what its committed chunks hold. */
class ResumeChunkingTest {
    private static IngestionJob job(int chunksCommitted, long compositions) {
        return new IngestionJob(1, "acme", Modality.IMAGE, "f.png", JobState.RUNNING, 2,
                ContentHash.wrap(new byte[32]), chunksCommitted, 0, 100, 0, 0, compositions, null, "/spool", null,
                Instant.EPOCH, Instant.EPOCH);
    }

    @Test
    void aJobThatCommittedNothingTakesTodaysSetting() {
        assertThat(ResumeChunking.chunkRows(job(0, 0), 10_000, 4096)).hasValue(4096);
    }

    @Test
    void fullChunksTellTheSizeTheJobStartedWith() {
        assertThat(ResumeChunking.chunkRows(job(3, 3 * 4096), 100_000, 4096)).hasValue(4096);
        assertThat(ResumeChunking.chunkRows(job(3, 3 * 65_536), 1_000_000, 1 << 20)).hasValue(65_536);
        assertThat(ResumeChunking.chunkRows(job(2, 2 * (1 << 20)), 5_000_000, 65_536)).hasValue(1 << 20);
    }

    @Test
    void aJobWithEveryPositionInResumesWithAPlanOfThatManyChunks() {
        // 10,000 positions in 3 chunks of 4,096 (the last partial); today's 1,000 would be 10 chunks
        assertThat(ResumeChunking.chunkRows(job(3, 10_000), 10_000, 4096)).hasValue(4096);
        OptionalInt other = ResumeChunking.chunkRows(job(3, 10_000), 10_000, 1000);
        assertThat(other).isPresent();
        assertThat((10_000 + other.getAsInt() - 1) / other.getAsInt()).isEqualTo(3);
    }

    @Test
    void countsNoSizeExplainsAreRefused() {
        assertThat(ResumeChunking.chunkRows(job(3, 10_001), 100_000, 4096)).isEmpty();
        assertThat(ResumeChunking.chunkRows(job(2, 300_000), 200_000, 4096)).isEmpty();
    }
}
