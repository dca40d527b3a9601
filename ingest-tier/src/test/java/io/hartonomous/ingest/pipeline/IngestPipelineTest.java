package io.hartonomous.ingest.pipeline;

import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.ingest.atomize.AtomizedFile;
import io.hartonomous.ingest.atomize.Atomizers;
import io.hartonomous.ingest.atomize.ChildPart;
import io.hartonomous.ingest.atomize.ChunkSink;
import io.hartonomous.ingest.atomize.FileHashes;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.ingest.detect.BadInputException;
import io.hartonomous.ingest.detect.UnsupportedFormatException;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.PlacedValue;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.ingest.JobState;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.graph.LineageDirection;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.graph.NodeKind;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.TenantStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pipeline end to end on real files and a real embedded engine. */
class IngestPipelineTest {
    private static final String ANIMATED_GIF = "images/derived/animated.gif";

    @TempDir
    Path dir;

    private StorageEngine engine;
    private IngestPipeline pipeline;

    @BeforeEach
    void open() {
        engine = StorageEngines.open(LocalStorage.embeddedFile(dir.resolve("db")));
        pipeline = new IngestPipeline(engine, IngestSettings.defaults(dir.resolve("spool")).withChunkRows(4096));
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private IngestOutcome ingest(String tenant, Modality modality, Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return pipeline.ingest(tenant, modality, file.getFileName().toString(), in);
        }
    }

    /** A model is named by its file (GGUF general.name), else by the upload, never by the spool file. */
    @Test
    void aModelIsNamedByItsFileElseByItsUpload() throws Exception {
        Path named = TestFiles.get("models/gguf/types.gguf");      // general.name = "hartonomous test model types.gguf"
        Path unnamed = TestFiles.get("models/gguf/chunks.gguf");   // no general.name
        try (InputStream in = Files.newInputStream(named)) {
            pipeline.ingest("acme", Modality.MODEL, "ignored-upload-name.gguf", in);
        }
        try (InputStream in = Files.newInputStream(unnamed)) {
            pipeline.ingest("acme", Modality.MODEL, "upstream.gguf", in);
        }
        try (InputStream in = Files.newInputStream(unnamed)) {
            pipeline.ingest("other", Modality.MODEL, null, in);
        }
        assertThat(engine.forTenant("acme").models().list()).extracting(Model::name)
                .containsExactlyInAnyOrder("hartonomous test model types.gguf", "upstream.gguf");
        assertThat(engine.forTenant("other").models().list()).extracting(Model::name)
                .as("deduplicated: the model registered first keeps its name").containsExactly("upstream.gguf");
    }

    /** Images are chunked by their own setting (larger by default), other files by the general one. */
    @Test
    void imagesAreChunkedByTheirOwnSetting() throws Exception {
        IngestSettings base = IngestSettings.defaults(dir.resolve("spool"));
        assertThat(base.chunkRows(Modality.IMAGE)).isGreaterThan(base.chunkRows(Modality.AUDIO));
        IngestPipeline split = new IngestPipeline(engine, new IngestSettings(base.spoolDir(), base.limits(), 4096,
                16_384, base.queuedChunks(), base.parallelChunks(), base.asyncThresholdBytes()));
        TenantStorage acme = engine.forTenant("acme");
        Path png = TestFiles.get("images/snake.png");
        Path wav = TestFiles.get("audio/alsa/Noise.wav");
        IngestOutcome image;
        IngestOutcome audio;
        try (InputStream in = Files.newInputStream(png)) {
            image = split.ingest("acme", Modality.IMAGE, "snake.png", in);
        }
        try (InputStream in = Files.newInputStream(wav)) {
            audio = split.ingest("acme", Modality.AUDIO, "Noise.wav", in);
        }
        assertThat(acme.ingest().job(image.jobId()).orElseThrow().chunksCommitted())
                .isEqualTo((int) ((image.compositions() + 16_383) / 16_384));
        assertThat(acme.ingest().job(audio.jobId()).orElseThrow().chunksCommitted())
                .isEqualTo((int) ((audio.compositions() + 4095) / 4096));
        References.assertExact(acme, List.of(image.atomId(), audio.atomId()));
    }

    @Test
    void imageIsAtomizedOnceAndIdenticalFileIsDeduplicated() throws Exception {
        Path png = TestFiles.get("images/snake.png");
        IngestOutcome first = ingest("acme", Modality.IMAGE, png);
        assertThat(first.state()).isEqualTo(JobState.COMPLETED);
        assertThat(first.deduplicated()).isFalse();
        assertThat(first.compositions()).isPositive();
        assertThat(first.newAtoms()).isEqualTo(first.distinctAtoms()).isPositive();
        TenantStorage acme = engine.forTenant("acme");
        assertThat(acme.atoms().compositionCount(first.atomId())).isEqualTo(first.compositions());
        References.assertExact(acme, List.of(first.atomId()));

        IngestOutcome again = ingest("acme", Modality.IMAGE, png);
        assertThat(again.deduplicated()).isTrue();
        assertThat(again.atomId()).isEqualTo(first.atomId());
        assertThat(again.newAtoms()).isZero();
        assertThat(acme.atoms().compositionCount(first.atomId())).isEqualTo(first.compositions());
        References.assertExact(acme, List.of(first.atomId()));

        assertThat(acme.vectors().embeddings(first.atomId())).as("built-in embedding").isNotEmpty();
        assertThat(acme.graph().lineage(NodeKind.FILE, first.atomId(), 1, LineageDirection.DOWNSTREAM))
                .extracting(s -> s.node().kind()).contains(NodeKind.EMBEDDING);
        try (Stream<Path> spool = Files.list(dir.resolve("spool"))) {
            assertThat(spool).as("spool cleaned up").isEmpty();
        }
    }

    @Test
    void badInputLeavesNoRowsAndNoSpool() throws Exception {
        Map<String, Long> before = engine.rowCounts();
        List<Path> corrupt;
        try (Stream<Path> files = Files.list(TestFiles.get("images/pngsuite/corrupted"))) {
            corrupt = files.filter(f -> f.toString().endsWith(".png")).sorted().toList();
        }
        assertThat(corrupt).hasSizeGreaterThanOrEqualTo(10);
        for (Path file : corrupt) {
            assertThatThrownBy(() -> ingest("acme", Modality.IMAGE, file)).as(file.getFileName().toString())
                    .isInstanceOf(BadInputException.class);
        }
        assertThatThrownBy(() -> ingest("acme", Modality.IMAGE, TestFiles.get("audio/alsa/Noise.wav")))
                .isInstanceOf(UnsupportedFormatException.class).hasMessageContaining("/ingest/audio");
        assertThat(engine.rowCounts()).isEqualTo(before);
        try (Stream<Path> spool = Files.list(dir.resolve("spool"))) {
            assertThat(spool).isEmpty();
        }
    }

    @Test
    void eightParallelOverlappingIngestsKeepExactReferenceCounts() throws Exception {
        // Eight real images sharing colours: snake.png and snake.bmp hold the same pixels, the palette variant a
        // subset of them, and PngSuite's basics share their greys and colour ramps.
        List<Path> files = List.of(TestFiles.get("images/snake.png"), TestFiles.get("images/snake.bmp"),
                TestFiles.get("images/snake-palette.png"), TestFiles.get("images/pngsuite/basic/basn6a08.png"),
                TestFiles.get("images/pngsuite/basic/basn2c16.png"), TestFiles.get("images/pngsuite/basic/basn0g08.png"),
                TestFiles.get("images/pngsuite/basic/basn2c08.png"), TestFiles.get("images/pngsuite/basic/basn0g04.png"));
        ExecutorService ingesters = Executors.newFixedThreadPool(8);
        List<Long> parents = new ArrayList<>();
        try {
            List<Future<IngestOutcome>> done = new ArrayList<>();
            for (Path file : files) {
                done.add(ingesters.submit(() -> ingest("acme", Modality.IMAGE, file)));
            }
            for (Future<IngestOutcome> f : done) {
                IngestOutcome o = f.get();
                assertThat(o.state()).isEqualTo(JobState.COMPLETED);
                parents.add(o.atomId());
            }
        } finally {
            ingesters.shutdownNow();
        }
        Map<Long, Long> references = References.assertExact(engine.forTenant("acme"), parents);
        // snake.png and snake.bmp hold the same pixels: the overlap is real.
        assertThat(references.values()).anyMatch(count -> count > 1);
    }

    /** Further GIF frames are child jobs: the frame's index in a job field of its own, its hash from the spool's. */
    @Test
    void furtherFramesAreChildJobsWithTheirIndexAndIdentitiesDerivedFromTheFileHash() throws Exception {
        Path gif = TestFiles.get(ANIMATED_GIF);
        IngestOutcome outcome = ingest("acme", Modality.IMAGE, gif);
        ContentHash fileHash = FileHashes.ofFile(Modality.IMAGE, gif);
        assertThat(outcome.contentHash()).isEqualTo(fileHash.hex());
        assertThat(outcome.children()).hasSize(2);
        TenantStorage acme = engine.forTenant("acme");
        for (int i = 1; i <= 2; i++) {
            IngestOutcome child = outcome.children().get(i - 1);
            assertThat(child.state()).isEqualTo(JobState.COMPLETED);
            assertThat(child.contentHash())
                    .isEqualTo(FileHashes.ofChild(Modality.IMAGE, ChildPart.FRAME_OF, i, fileHash).hex());
            IngestionJob job = acme.ingest().job(child.jobId()).orElseThrow();
            assertThat(job.childIndex()).isEqualTo(i);
            assertThat(job.sourcePath()).doesNotContain("#");
        }
        assertThat(acme.ingest().job(outcome.jobId()).orElseThrow().childIndex()).isNull();
    }

    /** Frame jobs left running resume, also in the form written before jobs had a child index ("#child=N"). */
    @Test
    void frameJobsLeftRunningResumeInTheCurrentAndTheOldChildMarkForm() throws Exception {
        Path spool = Files.createDirectories(dir.resolve("spool")).resolve("left.upload");
        Files.copy(TestFiles.get(ANIMATED_GIF), spool);
        ContentHash fileHash = FileHashes.ofFile(Modality.IMAGE, spool);
        TenantStorage acme = engine.forTenant("acme");
        List<Long> jobs = new ArrayList<>();
        List<Long> rows = new ArrayList<>();
        try (AtomizedFile whole = Atomizers.open(spool, IngestLimits.DEFAULT)) {
            for (int i = 1; i <= 2; i++) {
                try (AtomizedFile frame = whole.child(i)) {
                    ContentHash hash = FileHashes.ofChild(Modality.IMAGE, ChildPart.FRAME_OF, i, fileHash);
                    NewJob job = i == 1
                            ? new NewJob(Modality.IMAGE, "left.gif#frame=1", hash, frame.bytesTotal(),
                                    frame.metadataJson(), spool + "#child=1")
                            : new NewJob(Modality.IMAGE, "left.gif#frame=2", hash, frame.bytesTotal(),
                                    frame.metadataJson(), spool.toString(), 2);
                    jobs.add(acme.ingest().startJob(job).job().jobId());
                    rows.add(frame.rows());
                }
            }
        }
        assertThat(engine.unfinishedJobs()).hasSize(2);

        assertThat(pipeline.resumeUnfinished(line -> { })).isEqualTo(2);

        assertThat(engine.unfinishedJobs()).isEmpty();
        List<Long> parents = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            IngestionJob done = acme.ingest().job(jobs.get(k)).orElseThrow();
            assertThat(done.state()).isEqualTo(JobState.COMPLETED);
            assertThat(done.compositions()).isEqualTo(rows.get(k));
            assertThat(acme.atoms().compositionCount(done.parentAtomId())).isEqualTo(rows.get(k));
            parents.add(done.parentAtomId());
        }
        References.assertExact(acme, parents);
        // The resumed frames are the very atoms a fresh ingest of the file derives: its frames are deduplicated.
        assertThat(ingest("acme", Modality.IMAGE, TestFiles.get(ANIMATED_GIF)).children()).extracting(IngestOutcome::deduplicated)
                .containsExactly(true, true);
    }

    /**
     * A job left running after two chunks of 10,000 resumes with 10,000, not with this pipeline's 4,096: its
     * positions come out as those of a fresh ingest of the file into another database.
     */
    @Test
    void aJobLeftRunningResumesWithTheChunkSizeItStartedWith() throws Exception {
        Path png = TestFiles.get("images/snake.png");
        Path spool = Files.createDirectories(dir.resolve("spool")).resolve("left.upload");
        Files.copy(png, spool);
        TenantStorage acme = engine.forTenant("acme");
        long jobId;
        try (AtomizedFile file = Atomizers.open(spool, Modality.IMAGE, IngestLimits.DEFAULT, 10_000)) {
            NewJob started = new NewJob(Modality.IMAGE, "left.png", FileHashes.ofFile(Modality.IMAGE, spool),
                    file.bytesTotal(), file.metadataJson(), spool.toString());
            jobId = acme.ingest().startJob(started).job().jobId();
            assertThatThrownBy(() -> file.emit(0, new ChunkSink() {
                @Override
                public void chunk(Chunk chunk) {
                    if (chunk.chunkIndex() == 2) {
                        throw new IllegalStateException("crashed");
                    }
                    acme.ingest().writeChunk(jobId, chunk);
                }
            })).hasMessageContaining("crashed");
        }
        assertThat(acme.ingest().job(jobId).orElseThrow().compositions()).isEqualTo(20_000);

        assertThat(pipeline.resumeUnfinished(line -> { })).isEqualTo(1);

        IngestionJob done = acme.ingest().job(jobId).orElseThrow();
        assertThat(done.state()).isEqualTo(JobState.COMPLETED);
        assertThat(done.compositions()).isEqualTo(600 * 450);
        assertThat(acme.atoms().compositionCount(done.parentAtomId())).isEqualTo(600 * 450);
        References.assertExact(acme, List.of(done.parentAtomId()));
        try (StorageEngine fresh = StorageEngines.open(LocalStorage.embeddedFile(dir.resolve("fresh")))) {
            IngestPipeline other = new IngestPipeline(fresh, IngestSettings.defaults(dir.resolve("spool2")));
            IngestOutcome expected;
            try (InputStream in = Files.newInputStream(png)) {
                expected = other.ingest("acme", Modality.IMAGE, "snake.png", in);
            }
            try (Stream<PlacedValue> resumed = acme.atoms().placedValues(
                    done.parentAtomId(), 0, Long.MAX_VALUE);
                 Stream<PlacedValue> whole = fresh.forTenant("acme").atoms()
                         .placedValues(expected.atomId(), 0, Long.MAX_VALUE)) {
                Iterator<PlacedValue> a = resumed.iterator();
                Iterator<PlacedValue> b = whole.iterator();
                long n = 0;
                while (b.hasNext()) {
                    assertThat(a.hasNext()).isTrue();
                    PlacedValue x = a.next();
                    PlacedValue y = b.next();
                    assertThat(new long[] {x.sequenceIndex(), x.positionX(), x.positionY()}).as("position %d", n)
                            .containsExactly(y.sequenceIndex(), y.positionX(), y.positionY());
                    assertThat(x.value()).as("value at %d", n).isEqualTo(y.value());
                    n++;
                }
                assertThat(a.hasNext()).isFalse();
                assertThat(n).isEqualTo(600 * 450);
            }
        }
    }
}
