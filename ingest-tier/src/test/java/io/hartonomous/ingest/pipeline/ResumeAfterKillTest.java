package io.hartonomous.ingest.pipeline;

import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.ingest.JobState;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.atoms.PlacedValue;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.TenantStorage;
import io.hartonomous.storage.contract.operations.UsageGrouping;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the ingest process mid-job, then a restarted pipeline resumes from the watermark: nothing lost, nothing
 * counted twice. The storage runs as an H2 TCP server in this JVM so both processes share it, as in production.
 */
class ResumeAfterKillTest {
    private static final int CHUNK_ROWS = 2000;

    @TempDir
    Path dir;

    @Test
    void killedJobResumesFromItsWatermarkExactly() throws Exception {
        Path wav = TestFiles.get("audio/derived/s16-44k-stereo.wav");
        Server server = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        try {
            StorageConfig config = LocalStorage.embeddedServer(server.getPort(), dir.resolve("db"));
            try (StorageEngine engine = StorageEngines.open(config.withPoolSize(2))) {
                Process ingest = startHarness(config.url(), wav, dir.resolve("spool"));
                IngestionJob killedAt = awaitProgress(engine, ingest, 5);
                ingest.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

                IngestionJob left = engine.unfinishedJobs().getFirst();
                assertThat(left.state()).isEqualTo(JobState.RUNNING);
                assertThat(left.chunksCommitted()).isGreaterThanOrEqualTo(killedAt.chunksCommitted());
                long total = Files.size(Path.of(wav + ".raw")) / 2;
                assertThat(left.compositions()).as("killed part-way").isLessThan(total);

                IngestPipeline restarted = new IngestPipeline(engine, IngestSettings.defaults(dir.resolve("spool"))
                        .withChunkRows(CHUNK_ROWS));
                assertThat(restarted.resumeUnfinished(line -> { })).isEqualTo(1);
                assertThat(engine.unfinishedJobs()).isEmpty();

                TenantStorage acme = engine.forTenant("acme");
                IngestionJob done = acme.ingest().job(left.jobId()).orElseThrow();
                assertThat(done.state()).isEqualTo(JobState.COMPLETED);
                assertThat(done.compositions()).isEqualTo(acme.atoms().compositionCount(done.parentAtomId()));
                Map<Long, Long> references = References.assertExact(acme, List.of(done.parentAtomId()));
                assertThat(references.values().stream().mapToLong(Long::longValue).sum())
                        .isEqualTo(done.compositions());
                assertThat(samples(acme, done.parentAtomId())).as("bit-exact against sox")
                        .isEqualTo(Files.readAllBytes(Path.of(wav + ".raw")));
                // Billed once, for every sample of the file, by the process that completed it.
                assertThat(acme.usage().usage(null, null, UsageGrouping.OPERATION)).singleElement().satisfies(g -> {
                    assertThat(g.key()).isEqualTo("ingest.audio");
                    assertThat(g.requests()).isEqualTo(1);
                    assertThat(g.units()).isEqualTo(total);
                });

                // A clean ingest of the same file elsewhere yields the same counts: nothing was counted twice.
                try (StorageEngine clean = StorageEngines.open(LocalStorage.embeddedFile(dir.resolve("clean")));
                     InputStream in = Files.newInputStream(wav)) {
                    IngestOutcome reference = new IngestPipeline(clean, IngestSettings.defaults(dir.resolve("s2")))
                            .ingest("acme", Modality.AUDIO, "clean.wav", in);
                    assertThat(done.compositions()).isEqualTo(reference.compositions());
                    assertThat(done.newAtoms()).isEqualTo(reference.newAtoms());
                    assertThat(done.distinctAtoms()).isEqualTo(reference.distinctAtoms());
                }
                try (Stream<Path> spool = Files.list(dir.resolve("spool"))) {
                    assertThat(spool).as("spool removed after completion").isEmpty();
                }
            }
        } finally {
            server.stop();
        }
    }

    private Process startHarness(String url, Path wav, Path spool) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), ResumeHarness.class.getName(), url, wav.toString(),
                spool.toString(), Integer.toString(CHUNK_ROWS))
                .redirectErrorStream(true).redirectOutput(dir.resolve("harness.log").toFile()).start();
    }

    /** Polls until the child has committed at least {@code chunks} chunks (and is still going). */
    private IngestionJob awaitProgress(StorageEngine engine, Process child, int chunks) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            assertThat(child.isAlive()).as("harness still running; log: %s",
                    Files.exists(dir.resolve("harness.log")) ? Files.readString(dir.resolve("harness.log")) : "")
                    .isTrue();
            List<IngestionJob> running = engine.unfinishedJobs();
            if (!running.isEmpty() && running.getFirst().chunksCommitted() >= chunks) {
                return running.getFirst();
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the harness made no progress in 90 s");
    }

    private static byte[] samples(TenantStorage tenant, long parent) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Stream<PlacedValue> values = tenant.atoms().placedValues(parent, 0, Long.MAX_VALUE)) {
            values.forEach(v -> out.writeBytes(v.value()));
        }
        return out.toByteArray();
    }

}
