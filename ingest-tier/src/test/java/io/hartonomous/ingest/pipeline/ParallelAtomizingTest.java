package io.hartonomous.ingest.pipeline;

import io.hartonomous.ingest.atomize.AtomizedFile;
import io.hartonomous.ingest.atomize.Atomizers;
import io.hartonomous.ingest.atomize.Captured;
import io.hartonomous.ingest.atomize.ChunkEmitter;
import io.hartonomous.ingest.atomize.ChunkSink;
import io.hartonomous.ingest.atomize.FileHashes;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.ingest.atomize.Store;
import io.hartonomous.ingest.atomize.model.Reference;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.NewAtom;
import io.hartonomous.storage.contract.atoms.PlacedValue;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.ChunkReceipt;
import io.hartonomous.storage.contract.ingest.CoefficientBatch;
import io.hartonomous.storage.contract.ingest.CompositionBatch;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.ingest.JobState;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.local.LocalStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Chunks atomized several at once (issue 12) are the chunks atomized one after the other: the same chunks in the
 * same order with the same hashes, the same receipts and the same stored rows on a real embedded engine. A chunk that
 * cannot be atomized fails its job with nothing left of it and no thread left running; a parallel job stopped
 * mid-file resumes from its watermark, skipping what was committed, and ends bit-exact.
 */
class ParallelAtomizingTest {
    private static final String WAV = "audio/derived/s16-44k-stereo.wav"; // 124,176 samples: 63 chunks of 2,000
    private static final int WAV_CHUNK_ROWS = 2_000;

    @TempDir
    Path dir;

    static Stream<Arguments> files() {
        return Stream.of(
                // 62,586 colours; chunks of 16,384 pixels end inside rows of 600
                Arguments.of("images/snake.png", 16_384),
                Arguments.of("images/derived/rgba16-mm.tif", 100),  // 16-bit samples, rgba16 atoms
                Arguments.of("audio/derived/s16-22k.wav", 2_000),
                Arguments.of("models/gguf/types.gguf", 256));       // chunks spanning tensors of several types
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void parallelismOneAndFourGiveIdenticalChunksReceiptsAndStoredContent(String relative, int chunkRows)
            throws IOException {
        Path file = TestFiles.get(relative);
        Stored one = store(file, chunkRows, 1);
        Stored four = store(file, chunkRows, 4);
        assertThat(one.chunks()).as("more chunks than workers").hasSizeGreaterThan(8);
        assertThat(four.chunks()).as("chunk index, atoms with hashes, rows, progress")
                .containsExactlyElementsOf(one.chunks());
        assertThat(four.receipts()).containsExactlyElementsOf(one.receipts());
        assertThat(four.receipts()).extracting(ChunkReceipt::chunkIndex)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, one.chunks().size()).boxed().toList());
        assertThat(four.content()).isEqualTo(one.content());
        byte[] expected = expectedContent(file);
        if (expected != null) {
            assertThat(four.content()).as("the generator's reference values").isEqualTo(expected);
        }
    }

    /**
     * ONNX models whose values are decoded per tensor (varints, unpacked fields) share one cache of decoded tensors
     * between the chunks atomized at once; small chunks make neighbouring chunks ask for different tensors.
     */
    static Stream<Path> onnxModels() {
        return Stream.concat(Stream.of(TestFiles.get("models/onnx/ch_ppocr_mobile_v2.0_cls_infer.onnx")),
                listed(TestFiles.get("models/onnx/libonnx"), ".onnx"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("onnxModels")
    void onnxModelsGiveTheSameChunksAtParallelismOneAndFour(Path file) throws IOException {
        List<List<String>> runs = new ArrayList<>();
        for (int parallelism : new int[]{1, 4}) {
            try (AtomizedFile f = Atomizers.open(file, null, IngestLimits.DEFAULT, 64)) {
                List<String> chunks = new ArrayList<>();
                for (Chunk c : Captured.emit(f, 0, true, new ChunkEmitter(parallelism)).chunks) {
                    chunks.add(fingerprint(c));
                }
                runs.add(chunks);
            }
        }
        assertThat(runs.get(1)).containsExactlyElementsOf(runs.get(0));
    }

    private static Stream<Path> listed(Path folder, String suffix) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(suffix)).sorted().toList().stream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What one file became: chunk fingerprints in emission order, the engine's receipts, the stored values. */
    private record Stored(List<String> chunks, List<ChunkReceipt> receipts, byte[] content) {
    }

    private Stored store(Path file, int chunkRows, int parallelism) throws IOException {
        ChunkEmitter emitter = new ChunkEmitter(parallelism);
        List<String> chunks = new ArrayList<>();
        try (AtomizedFile f = Atomizers.open(file, null, IngestLimits.DEFAULT, chunkRows)) {
            for (Chunk c : Captured.emit(f, 0, true, emitter).chunks) {
                chunks.add(fingerprint(c));
            }
        }
        try (Store store = new Store(dir.resolve("db-" + file.getFileName() + "-" + parallelism));
             AtomizedFile f = Atomizers.open(file, null, IngestLimits.DEFAULT, chunkRows)) {
            Store.Ingested in = store.ingest(file, f, file.getFileName().toString(), emitter);
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            if (in.modelId() != null) {
                for (int layer = 0; layer < f.model().orElseThrow().layers().size(); layer++) {
                    content.writeBytes(store.tensorBytes(in.modelId(), layer));
                }
            } else {
                content.writeBytes(store.placedBytes(in.parentAtomId()));
            }
            return new Stored(chunks, in.receipts(), content.toByteArray());
        }
    }

    /** The values the test-data generators wrote beside the file (sox's raw samples, the GGUF reference), if any. */
    private static byte[] expectedContent(Path file) throws IOException {
        if (Files.exists(Path.of(file + ".raw"))) {
            return Files.readAllBytes(Path.of(file + ".raw"));
        }
        if (Files.exists(Path.of(file + ".ref.json"))) {
            Reference ref = Reference.of(file);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            ref.tensors().forEach(t -> all.writeBytes(ref.bytes(t)));
            return all.toByteArray();
        }
        return null;
    }

    /** SHA-256 over everything a chunk holds: index, progress, each atom (hash, type, value) and every row. */
    private static String fingerprint(Chunk chunk) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (DataOutputStream out = new DataOutputStream(new DigestOutputStream(
                java.io.OutputStream.nullOutputStream(), sha))) {
            out.writeInt(chunk.chunkIndex());
            out.writeLong(chunk.bytesDone());
            for (NewAtom atom : chunk.atoms()) {
                out.write(atom.contentHash().bytes());
                out.write(atom.type().toString().getBytes(StandardCharsets.UTF_8));
                out.write(atom.value());
            }
            CompositionBatch c = chunk.compositions();
            for (int i = 0; i < c.size(); i++) {
                out.writeLong(c.sequenceIndex()[i]);
                out.writeLong(c.positionX()[i]);
                out.writeLong(c.positionY()[i]);
                out.writeInt(c.atomOrdinal()[i]);
            }
            CoefficientBatch k = chunk.coefficients();
            for (int i = 0; i < k.size(); i++) {
                out.writeInt(k.layerIdx()[i]);
                out.writeLong(k.positionX()[i]);
                out.writeLong(k.positionY()[i]);
                out.writeLong(k.positionZ()[i]);
                out.writeInt(k.atomOrdinal()[i]);
            }
        }
        return chunk.chunkIndex() + ":" + chunk.atoms().size() + ":" + HexFormat.of().formatHex(sha.digest());
    }

    @Test
    void aChunkThatCannotBeReadFailsTheJobWithNothingWrittenAndNoThreadLeft() throws Exception {
        try (StorageEngine engine = StorageEngines.open(LocalStorage.embeddedFile(dir.resolve("db")))) {
            IngestPipeline pipeline = new IngestPipeline(engine, IngestSettings.defaults(dir.resolve("spool"))
                    .withChunkRows(WAV_CHUNK_ROWS).withParallelChunks(4));
            Map<String, Long> before = engine.rowCounts();
            IngestPipeline.Prepared prepared;
            try (InputStream in = Files.newInputStream(TestFiles.get(WAV))) {
                prepared = pipeline.prepare("acme", Modality.AUDIO, "cut.wav", in);
            }
            long jobId = prepared.job().jobId();
            // The spooled upload loses its second half after every check passed (a disk fault, a truncating copy):
            // the first half's chunks are written, the chunk at the cut cannot be read.
            Path spool = Path.of(prepared.job().sourcePath());
            try (FileChannel ch = FileChannel.open(spool, StandardOpenOption.WRITE)) {
                ch.truncate(ch.size() / 2);
            }

            assertThatThrownBy(() -> pipeline.run(prepared)).isInstanceOf(IOException.class)
                    .hasMessageContaining("shrank");

            IngestionJob failed = engine.forTenant("acme").ingest().job(jobId).orElseThrow();
            assertThat(failed.state()).isEqualTo(JobState.FAILED);
            assertThat(failed.error()).contains("shrank");
            assertThat(failed.chunksCommitted()).isZero();
            Map<String, Long> after = engine.rowCounts();
            assertThat(after.get("IngestionJobs")).as("the failed job's own row").isEqualTo(
                    before.get("IngestionJobs") + 1);
            after.remove("IngestionJobs");
            before.remove("IngestionJobs");
            assertThat(after).as("nothing of the job's chunks is left").isEqualTo(before);
            assertThat(threadsNamed("atomize-job-" + jobId + "-")).as("atomizing threads").isEmpty();
            assertThat(threadsNamed("chunk-committer-" + jobId)).as("the committer thread").isEmpty();
        }
    }

    @Test
    void aParallelJobStoppedMidFileSkipsItsCommittedChunksOnResumeAndEndsBitExact() throws Exception {
        Path wav = TestFiles.get(WAV);
        Path spool = Files.createDirectories(dir.resolve("spool")).resolve("stopped.upload");
        Files.copy(wav, spool);
        try (StorageEngine engine = StorageEngines.open(LocalStorage.embeddedFile(dir.resolve("db")))) {
            TenantStorage acme = engine.forTenant("acme");
            ChunkEmitter four = new ChunkEmitter(4);
            long jobId;
            List<ChunkReceipt> replayed = new ArrayList<>();
            try (AtomizedFile f = Atomizers.open(spool, Modality.AUDIO, IngestLimits.DEFAULT, WAV_CHUNK_ROWS)) {
                assertThat(f.chunkCount()).isGreaterThan(40);
                jobId = acme.ingest().startJob(new NewJob(Modality.AUDIO, "stopped.wav",
                        FileHashes.ofFile(Modality.AUDIO, spool), f.bytesTotal(), f.metadataJson(),
                        spool.toString())).job().jobId();
                // The ingest process stops at chunk 7 while later chunks are being atomized: nobody fails the job,
                // which stays RUNNING at its watermark, as after a crash.
                assertThatThrownBy(() -> four.emit(f, 0, writingUntil(acme, jobId, 7, null), "atomize-stopped"))
                        .isInstanceOf(InterruptedIOException.class);
                assertThat(threadsNamed("atomize-stopped-")).isEmpty();
                assertThat(acme.ingest().job(jobId).orElseThrow().chunksCommitted()).isEqualTo(7);
                // A process that lost its last acknowledgements replays from chunk 3: the engine skips 3-6.
                assertThatThrownBy(() -> four.emit(f, 3, writingUntil(acme, jobId, 12, replayed), "atomize-replay"))
                        .isInstanceOf(InterruptedIOException.class);
            }
            assertThat(replayed).extracting(ChunkReceipt::chunkIndex).containsExactly(3, 4, 5, 6, 7, 8, 9, 10, 11);
            assertThat(replayed).extracting(ChunkReceipt::alreadyCommitted)
                    .containsExactly(true, true, true, true, false, false, false, false, false);
            IngestionJob left = engine.unfinishedJobs().getFirst();
            assertThat(left.jobId()).isEqualTo(jobId);
            assertThat(left.state()).isEqualTo(JobState.RUNNING);
            assertThat(left.chunksCommitted()).isEqualTo(12);

            IngestPipeline restarted = new IngestPipeline(engine, IngestSettings.defaults(dir.resolve("spool"))
                    .withChunkRows(WAV_CHUNK_ROWS).withParallelChunks(4));
            assertThat(restarted.resumeUnfinished(line -> { })).isEqualTo(1);

            IngestionJob done = acme.ingest().job(jobId).orElseThrow();
            assertThat(done.state()).isEqualTo(JobState.COMPLETED);
            byte[] raw = Files.readAllBytes(Path.of(wav + ".raw"));
            assertThat(done.compositions()).isEqualTo(raw.length / 2)
                    .isEqualTo(acme.atoms().compositionCount(done.parentAtomId()));
            References.assertExact(acme, List.of(done.parentAtomId()));
            assertThat(samples(acme, done.parentAtomId())).as("bit-exact against sox").isEqualTo(raw);
            // One by one on a fresh database, the same file gives the same counts: nothing was counted twice.
            try (StorageEngine clean = StorageEngines.open(LocalStorage.embeddedFile(dir.resolve("clean")));
                 InputStream in = Files.newInputStream(wav)) {
                IngestOutcome reference = new IngestPipeline(clean, IngestSettings.defaults(dir.resolve("s2"))
                        .withChunkRows(WAV_CHUNK_ROWS).withParallelChunks(1)).ingest("acme", Modality.AUDIO,
                        "clean.wav", in);
                assertThat(done.compositions()).isEqualTo(reference.compositions());
                assertThat(done.newAtoms()).isEqualTo(reference.newAtoms());
                assertThat(done.distinctAtoms()).isEqualTo(reference.distinctAtoms());
            }
        }
    }

    /** Writes each chunk through the contract (receipts into {@code receipts} if given) and stops at chunk {@code stop}. */
    private static ChunkSink writingUntil(TenantStorage tenant, long jobId, int stop, List<ChunkReceipt> receipts) {
        return chunk -> {
            if (chunk.chunkIndex() == stop) {
                throw new InterruptedIOException("the ingest process stopped");
            }
            ChunkReceipt receipt = tenant.ingest().writeChunk(jobId, chunk);
            if (receipts != null) {
                receipts.add(receipt);
            }
        };
    }

    private static List<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).toList();
    }

    private static byte[] samples(TenantStorage tenant, long parent) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Stream<PlacedValue> values = tenant.atoms().placedValues(parent, 0, Long.MAX_VALUE)) {
            values.forEach(v -> out.writeBytes(v.value()));
        }
        return out.toByteArray();
    }
}
