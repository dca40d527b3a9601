package io.hartonomous.storage.engine.embedded;

import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.atoms.AtomComposition;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.ingest.JobStart;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.engine.segments.PackedOrdinals;
import io.hartonomous.storage.local.LocalStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Positions stored as segments + dictionary (embedded/140): decoded reads, the AtomCompositions view, exact counts. */
class EmbeddedSegmentsTest {
    private static final AtomType PCM16 = AtomType.of(Modality.AUDIO, "pcm16");

    @TempDir
    Path dir;

    @Test
    void packedOrdinalsRoundTripAtEveryWidth() {
        int[] values = {0, 1, 255, 256, 65_535, 65_536, (1 << 24) - 1, 1 << 24, Integer.MAX_VALUE};
        for (int v : values) {
            int width = PackedOrdinals.widthFor(v);
            byte[] packed = PackedOrdinals.pack(new int[] {7, v, 3}, 0, 3, width);
            assertThat(packed).hasSize(3 * width);
            assertThat(PackedOrdinals.ordinalAt(packed, width, 1)).as("width %d", width).isEqualTo(v);
            assertThat(PackedOrdinals.ordinalAt(packed, width, 2)).isEqualTo(3);
        }
        // Big-endian: T-SQL's CAST(binary AS INT) reads the bytes most significant first.
        assertThat(PackedOrdinals.pack(new int[] {0x0102}, 0, 1, 2)).containsExactly(1, 2);
    }

    @Test
    void columnMajorAudioIsStoredInSegmentsAndTheViewExpandsThemExactly() throws Exception {
        StorageConfig config = LocalStorage.embeddedFile(dir);
        int channels = 3;
        int frames = 5000;
        int n = channels * frames;
        List<NewAtom> samples = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            samples.add(NewAtom.of(PCM16, ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN)
                    .putShort((short) (i * 97 - 14_000)).array()));
        }
        long[] seq = new long[n];
        long[] x = new long[n];
        long[] y = new long[n];
        int[] ordinal = new int[n];
        for (int i = 0; i < n; i++) {
            seq[i] = i;
            x[i] = i / channels;
            y[i] = i % channels;
            ordinal[i] = (i * 31 + i / 7) % samples.size();
        }
        long parent;
        Map<Integer, Long> idOf = new HashMap<>();
        try (StorageEngine engine = StorageEngines.open(config)) {
            TenantStorage t = engine.forTenant("acme");
            JobStart start = t.ingest().startJob(new NewJob(Modality.AUDIO, "a.wav", ContentHash.of(
                    AtomType.file(Modality.AUDIO), "a.wav".getBytes(StandardCharsets.UTF_8)), n, "{}", null));
            t.ingest().writeChunk(start.job().jobId(), new Chunk(0, samples,
                    new CompositionBatch(n, seq, x, y, ordinal), null, n));
            t.ingest().completeJob(start.job().jobId(), null);
            parent = start.parent().atomId();
            for (int i = 0; i < samples.size(); i++) {
                idOf.put(i, t.atoms().byHash(samples.get(i).contentHash()).orElseThrow().atomId());
            }
            assertThat(t.atoms().compositionCount(parent)).isEqualTo(n);
            try (Stream<AtomComposition> rows = t.atoms().compositions(parent, 4090, 20)) {
                List<AtomComposition> page = rows.toList();
                assertThat(page).hasSize(20);
                for (int k = 0; k < 20; k++) {
                    int i = 4090 + k;
                    assertThat(page.get(k)).isEqualTo(new AtomComposition(parent, idOf.get(ordinal[i]), i,
                            i / channels, i % channels));
                }
            }
            assertThat(t.ingest().job(start.job().jobId()).orElseThrow().distinctAtoms()).isEqualTo(300);
        }
        try (Connection c = DriverManager.getConnection(config.url(), config.user(), config.password())) {
            assertThat(count(c, "SELECT COUNT(*) FROM CompositionSegments WHERE ParentAtomId = ?", parent))
                    .isEqualTo((n + PackedOrdinals.MAX_POSITIONS - 1) / PackedOrdinals.MAX_POSITIONS);
            assertThat(count(c, "SELECT COUNT(*) FROM AtomCompositionRows WHERE ParentAtomId = ?", parent)).isZero();
            // Every row the view yields is the row written.
            try (PreparedStatement ps = c.prepareStatement("SELECT ComponentAtomId, SequenceIndex, PositionX, "
                    + "PositionY FROM AtomCompositions WHERE ParentAtomId = ? ORDER BY SequenceIndex")) {
                ps.setLong(1, parent);
                try (ResultSet rs = ps.executeQuery()) {
                    int i = 0;
                    while (rs.next()) {
                        assertThat(rs.getLong(2)).isEqualTo(i);
                        assertThat(rs.getLong(1)).as("atom at %d", i).isEqualTo(idOf.get(ordinal[i]));
                        assertThat(rs.getLong(3)).isEqualTo(i / channels);
                        assertThat(rs.getLong(4)).isEqualTo(i % channels);
                        i++;
                    }
                    assertThat(i).isEqualTo(n);
                }
            }
            // The seed-style histogram over the view equals the dictionary and every atom's ReferenceCount.
            try (PreparedStatement ps = c.prepareStatement("SELECT v.ComponentAtomId, v.N, d.Occurrences, "
                    + "a.ReferenceCount FROM (SELECT ComponentAtomId, COUNT(*) AS N FROM AtomCompositions "
                    + "WHERE ParentAtomId = ?1 GROUP BY ComponentAtomId) v JOIN CompositionDictionary d "
                    + "ON d.ParentAtomId = ?1 AND d.AtomId = v.ComponentAtomId JOIN Atoms a ON a.AtomId = d.AtomId")) {
                ps.setLong(1, parent);
                int atoms = 0;
                long total = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        assertThat(rs.getLong(3)).isEqualTo(rs.getLong(2));
                        assertThat(rs.getLong(4)).isEqualTo(rs.getLong(2));
                        total += rs.getLong(2);
                        atoms++;
                    }
                }
                assertThat(atoms).isEqualTo(300);
                assertThat(total).isEqualTo(n);
            }
        }
    }

    @Test
    void segmentsAndRowsInterleaveAcrossGapsInSequenceOrder() throws Exception {
        StorageConfig config = LocalStorage.embeddedFile(dir);
        try (StorageEngine engine = StorageEngines.open(config)) {
            TenantStorage t = engine.forTenant("acme");
            JobStart start = t.ingest().startJob(new NewJob(Modality.IMAGE, "g.png", ContentHash.of(
                    AtomType.file(Modality.IMAGE), "g.png".getBytes(StandardCharsets.UTF_8)), 100, "{}", null));
            long job = start.job().jobId();
            NewAtom red = NewAtom.of(AtomType.of(Modality.IMAGE, "rgba8"), new byte[] {(byte) 255, 0, 0, (byte) 255});
            NewAtom blue = NewAtom.of(AtomType.of(Modality.IMAGE, "rgba8"), new byte[] {0, 0, (byte) 255, (byte) 255});
            // Sequences 0-9 of a 4-wide image, then 20-24 at positions no layout explains, then 30-39.
            t.ingest().writeChunk(job, new Chunk(0, List.of(red), grid(0, 10, 4), null, 10));
            t.ingest().writeChunk(job, new Chunk(1, List.of(blue), new CompositionBatch(5,
                    new long[] {20, 21, 22, 23, 24}, new long[] {9, 1, 7, 3, 5}, new long[] {2, 8, 4, 6, 0},
                    new int[5]), null, 20));
            t.ingest().writeChunk(job, new Chunk(2, List.of(red, blue), grid(30, 10, 4), null, 30));
            long parent = start.parent().atomId();
            assertThat(t.atoms().compositionCount(parent)).isEqualTo(25);
            List<Long> sequences;
            try (Stream<AtomComposition> rows = t.atoms().compositions(parent, 5, 100)) {
                List<AtomComposition> all = rows.toList();
                sequences = all.stream().map(AtomComposition::sequenceIndex).toList();
                assertThat(all.get(6)).extracting(AtomComposition::positionX, AtomComposition::positionY)
                        .containsExactly(1L, 8L);
                assertThat(all.get(10)).extracting(AtomComposition::positionX, AtomComposition::positionY)
                        .containsExactly(2L, 7L);
            }
            assertThat(sequences).containsExactly(5L, 6L, 7L, 8L, 9L, 20L, 21L, 22L, 23L, 24L,
                    30L, 31L, 32L, 33L, 34L, 35L, 36L, 37L, 38L, 39L);
            try (Stream<AtomComposition> rows = t.atoms().compositions(parent, 8, 4)) {
                assertThat(rows.map(AtomComposition::sequenceIndex).toList()).containsExactly(8L, 9L, 20L, 21L);
            }
            // A chunk that overlaps stored positions (here a segment) fails as a whole.
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.ingest().writeChunk(job,
                    new Chunk(3, List.of(red), grid(38, 4, 4), null, 40)))
                    .hasMessageContaining("repeats a position");
            assertThat(t.atoms().compositionCount(parent)).isEqualTo(25);
            t.ingest().completeJob(job, null);
            assertThat(t.atoms().byHash(red.contentHash()).orElseThrow().referenceCount()).isEqualTo(15);
            assertThat(t.atoms().byHash(blue.contentHash()).orElseThrow().referenceCount()).isEqualTo(10);
        }
    }

    /**
     * A job resumed by another engine (nothing learnt from the first one's chunks) and a job failed after recurring
     * chunks: references settle exactly at completion, and a failure gives back exactly what the job added.
     */
    @Test
    void recurringAtomsSettleAcrossAResumeAndAFailureGivesBackExactlyWhatWasAdded() throws Exception {
        StorageConfig config = LocalStorage.embeddedFile(dir);
        NewAtom red = NewAtom.of(AtomType.of(Modality.IMAGE, "rgba8"), new byte[] {(byte) 255, 0, 0, (byte) 255});
        NewAtom blue = NewAtom.of(AtomType.of(Modality.IMAGE, "rgba8"), new byte[] {0, 0, (byte) 255, (byte) 255});
        long job;
        try (StorageEngine engine = StorageEngines.open(config)) {
            TenantStorage t = engine.forTenant("acme");
            job = t.ingest().startJob(new NewJob(Modality.IMAGE, "resumed.png", ContentHash.of(
                    AtomType.file(Modality.IMAGE), "resumed.png".getBytes(StandardCharsets.UTF_8)), 40, "{}",
                    null)).job().jobId();
            t.ingest().writeChunk(job, new Chunk(0, List.of(red), grid(0, 10, 4), null, 10));
            t.ingest().writeChunk(job, new Chunk(1, List.of(red), grid(10, 10, 4), null, 20));
        }
        try (StorageEngine engine = StorageEngines.open(config)) {
            TenantStorage t = engine.forTenant("acme");
            t.ingest().writeChunk(job, new Chunk(2, List.of(red, blue), grid(30, 10, 4), null, 30));
            t.ingest().writeChunk(job, new Chunk(3, List.of(red, blue), grid(40, 10, 4), null, 40));
            t.ingest().completeJob(job, null);
            // grid(30, …) alternates red and blue; every other chunk is red only.
            assertThat(t.atoms().byHash(red.contentHash()).orElseThrow().referenceCount()).isEqualTo(35);
            assertThat(t.atoms().byHash(blue.contentHash()).orElseThrow().referenceCount()).isEqualTo(5);

            long doomed = t.ingest().startJob(new NewJob(Modality.IMAGE, "doomed.png", ContentHash.of(
                    AtomType.file(Modality.IMAGE), "doomed.png".getBytes(StandardCharsets.UTF_8)), 40, "{}",
                    null)).job().jobId();
            for (int c = 0; c < 4; c++) {
                t.ingest().writeChunk(doomed, new Chunk(c, List.of(red, blue), grid(30 + 10L * c, 10, 4), null,
                        10L * c));
            }
            assertThat(t.atoms().byHash(red.contentHash()).orElseThrow().referenceCount())
                    .as("while it runs, the doomed file adds nothing to atoms that existed before it").isEqualTo(35);
            t.ingest().failJob(doomed, "cancelled");
            assertThat(t.atoms().byHash(red.contentHash()).orElseThrow().referenceCount()).isEqualTo(35);
            assertThat(t.atoms().byHash(blue.contentHash()).orElseThrow().referenceCount()).isEqualTo(5);
        }
    }

    /** Row-major positions of a {@code width}-wide image, alternating the chunk's atoms when there are two. */
    private static CompositionBatch grid(long first, int n, int width) {
        long[] seq = new long[n];
        long[] x = new long[n];
        long[] y = new long[n];
        int[] ordinal = new int[n];
        for (int i = 0; i < n; i++) {
            seq[i] = first + i;
            x[i] = seq[i] % width;
            y[i] = seq[i] / width;
            ordinal[i] = first == 30 ? i % 2 : 0;
        }
        return new CompositionBatch(n, seq, x, y, ordinal);
    }

    private static long count(Connection c, String sql, long id) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
