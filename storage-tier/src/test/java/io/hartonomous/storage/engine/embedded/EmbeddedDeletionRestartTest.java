package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.atoms.Atom;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.deletion.DeletionJob;
import io.hartonomous.storage.contract.deletion.DeletionState;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.local.LocalStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A deletion interrupted by closing the engine after some batches completes, exactly, after the database reopens. */
class EmbeddedDeletionRestartTest {
    @TempDir
    Path dir;

    private static NewAtom pixel(int v) {
        return NewAtom.of(AtomType.of(Modality.IMAGE, "rgba8"), new byte[] {(byte) v, (byte) (v >> 8), 7, 9});
    }

    private static long image(TenantStorage t, String name, List<NewAtom> atoms, int rows) {
        ContentHash hash = ContentHash.of(AtomType.file(Modality.IMAGE), name.getBytes(StandardCharsets.UTF_8));
        long job = t.ingest().startJob(new NewJob(Modality.IMAGE, name, hash, 100, "{}", null)).job().jobId();
        long[] seq = new long[rows];
        int[] ordinals = new int[rows];
        for (int i = 0; i < rows; i++) {
            seq[i] = i;
            ordinals[i] = i % atoms.size();
        }
        t.ingest().writeChunk(job, new Chunk(0, atoms, new CompositionBatch(rows, seq, seq.clone(), new long[rows],
                ordinals), null, 0));
        t.ingest().completeJob(job, null);
        return t.atoms().byHash(hash).orElseThrow().atomId();
    }

    @Test
    void aJobLeftRunningByAClosedEngineCompletesAfterReopening() {
        List<NewAtom> a = List.of(pixel(1), pixel(2), pixel(3), pixel(4));
        List<NewAtom> b = List.of(pixel(3), pixel(4), pixel(5));
        long fileA;
        long jobId;
        try (StorageEngine engine = StorageEngines.open(LocalStorage.embeddedFile(dir))) {
            TenantStorage t = engine.forTenant("acme");
            fileA = image(t, "a.png", a, 40);
            image(t, "b.png", b, 30);
            DeletionJob job = engine.deletions().request("acme", fileA, false);
            jobId = job.jobId();
            engine.deletions().runBatch(jobId, 3);
            assertThat(engine.deletions().runBatch(jobId, 3).rowsDone()).isEqualTo(6);
        }
        try (StorageEngine engine = StorageEngines.open(LocalStorage.embeddedFile(dir))) {
            assertThat(engine.deletions().unfinished()).singleElement()
                    .satisfies(j -> assertThat(j.rowsDone()).isEqualTo(6));
            DeletionJob done = engine.deletions().runToEnd(jobId, 3);
            assertThat(done.state()).isEqualTo(DeletionState.COMPLETED);
            assertThat(done.rowsDone()).isEqualTo(done.rowsTotal()).isEqualTo(40);
            assertThat(done.leavesPurged()).isEqualTo(2);
            TenantStorage t = engine.forTenant("acme");
            assertThat(t.atoms().byHash(pixel(1).contentHash())).isEmpty();
            assertThat(t.atoms().byHash(pixel(2).contentHash())).isEmpty();
            assertThat(t.atoms().byHash(pixel(3).contentHash())).map(Atom::referenceCount).contains(10L);
            assertThat(t.atoms().byHash(pixel(4).contentHash())).map(Atom::referenceCount).contains(10L);
            assertThat(t.atoms().byHash(pixel(5).contentHash())).map(Atom::referenceCount).contains(10L);
            assertThat(engine.deletions().unfinished()).isEmpty();
        }
    }
}
