package io.hartonomous.ingest.http;

import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.ingest.pipeline.IngestOutcome;
import io.hartonomous.ingest.pipeline.IngestPipeline;
import io.hartonomous.ingest.pipeline.IngestSettings;
import io.hartonomous.storage.contract.StorageEngine;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The pipeline as the service runs it: settings from configuration, background jobs, resume at start. */
@ApplicationScoped
public class IngestService {
    private static final Logger LOG = Logger.getLogger(IngestService.class);

    private final IngestPipeline pipeline;
    private final ExecutorService background;

    IngestService(StorageEngine storage,
                  @ConfigProperty(name = "hart.data") String data,
                  @ConfigProperty(name = "hart.ingest.max-bytes", defaultValue = "68719476736") long maxBytes,
                  @ConfigProperty(name = "hart.ingest.max-pixels", defaultValue = "268435456") long maxPixels,
                  @ConfigProperty(name = "hart.ingest.max-frames", defaultValue = "1728000000") long maxFrames,
                  @ConfigProperty(name = "hart.ingest.max-tensors", defaultValue = "100000") int maxTensors,
                  @ConfigProperty(name = "hart.ingest.max-header-bytes", defaultValue = "268435456") long maxHeader,
                  @ConfigProperty(name = "hart.ingest.max-tensor-elements", defaultValue = "17179869184")
                  long maxElements,
                  @ConfigProperty(name = "hart.ingest.chunk-rows", defaultValue = "65536") int chunkRows,
                  @ConfigProperty(name = "hart.ingest.queued-chunks", defaultValue = "4") int queued,
                  @ConfigProperty(name = "hart.ingest.async-threshold-bytes", defaultValue = "33554432") long async,
                  @ConfigProperty(name = "hart.ingest.background-jobs", defaultValue = "2") int workers) {
        IngestLimits limits = new IngestLimits(maxBytes, maxPixels, maxFrames, maxTensors, maxHeader, maxElements);
        this.pipeline = new IngestPipeline(storage, new IngestSettings(Path.of(data).resolve("spool"), limits,
                chunkRows, queued, async));
        this.background = Executors.newFixedThreadPool(workers, Thread.ofPlatform().name("ingest-job-", 1)
                .daemon().factory());
    }

    IngestPipeline pipeline() {
        return pipeline;
    }

    long maxBytes() {
        return pipeline.settings().limits().maxBytes();
    }

    boolean runsInBackground(long declaredBytes) {
        return declaredBytes > pipeline.settings().asyncThresholdBytes();
    }

    /** Continues a prepared job off the request thread (202 + Location). */
    void runInBackground(IngestPipeline.Prepared prepared) {
        background.submit(() -> {
            try {
                pipeline.run(prepared);
            } catch (Exception e) {
                LOG.warnf("job %d failed: %s", prepared.job().jobId(), e.getMessage());
            }
            return null;
        });
    }

    IngestOutcome runNow(IngestPipeline.Prepared prepared) throws java.io.IOException {
        return pipeline.run(prepared);
    }

    void resumeAtStart(@Observes StartupEvent start) {
        background.submit(() -> {
            int resumed = pipeline.resumeUnfinished(LOG::info);
            if (resumed > 0) {
                LOG.infof("resumed %d unfinished ingest job(s)", resumed);
            }
        });
    }

    void stop(@Observes ShutdownEvent stop) throws InterruptedException {
        background.shutdown();
        background.awaitTermination(30, TimeUnit.SECONDS);
    }
}
