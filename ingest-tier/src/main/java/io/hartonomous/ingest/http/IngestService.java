package io.hartonomous.ingest.http;

import io.hartonomous.edge.config.EdgeConfig;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.ingest.detect.LimitExceededException;
import io.hartonomous.ingest.pipeline.IngestConfig;
import io.hartonomous.ingest.pipeline.IngestOutcome;
import io.hartonomous.ingest.pipeline.IngestPipeline;
import io.hartonomous.ingest.pipeline.IngestSettings;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline as the service runs it: settings from configuration, uploads answered now or continued in the
 * background, resume at start.
 */
@ApplicationScoped
public class IngestService {
    private static final Logger LOG = Logger.getLogger(IngestService.class);

    /** What an upload became once submitted. */
    sealed interface Submitted {
        /** Atomized and stored on the request thread. */
        record Ingested(IngestOutcome outcome) implements Submitted {
        }

        /** The identical file was stored already; nothing was written. */
        record Duplicate(IngestOutcome outcome) implements Submitted {
        }

        /** The same file is being ingested right now by this tenant, in the job the outcome names. */
        record InProgress(IngestOutcome outcome) implements Submitted {
        }

        /** Large: checked and started, continuing in the background. */
        record Accepted(IngestionJob job) implements Submitted {
        }
    }

    private final IngestPipeline pipeline;
    private final ExecutorService background;

    IngestService(StorageEngine storage, IngestConfig config, EdgeConfig edge) {
        IngestLimits limits = new IngestLimits(config.maxBytes(), config.maxPixels(), config.maxFrames(),
                config.maxTensors(), config.maxHeaderBytes(), config.maxTensorElements());
        this.pipeline = new IngestPipeline(storage, new IngestSettings(edge.data().resolve("spool"), limits,
                config.chunkRows(), config.imageChunkRows(), config.queuedChunks(),
                config.parallelChunks().orElse(IngestSettings.defaultParallelChunks()), config.asyncThresholdBytes()));
        this.background = Executors.newFixedThreadPool(config.backgroundJobs(),
                Thread.ofPlatform().name("ingest-job-", 1).daemon().factory());
    }

    /**
     * Checks the declared length (null: not declared), spools, checks and starts the job; then runs it now, or in the
     * background when the upload is larger than the asynchronous threshold.
     */
    Submitted submit(String tenantId, Modality modality, String name, Long declaredLength, InputStream body)
            throws IOException {
        long maxBytes = pipeline.settings().limits().maxBytes();
        if (declaredLength != null && declaredLength > maxBytes) {
            throw new LimitExceededException("the body declares " + declaredLength + " bytes, more than the limit of "
                    + maxBytes);
        }
        if (declaredLength != null && declaredLength == 0) {
            throw new IllegalArgumentException("the request body is empty: send the file's bytes as the body");
        }
        IngestPipeline.Prepared prepared = pipeline.prepare(tenantId, modality, name, body);
        IngestOutcome finished = prepared.finished();
        if (finished != null) {
            return finished.deduplicated() ? new Submitted.Duplicate(finished) : new Submitted.InProgress(finished);
        }
        if (prepared.job().bytesTotal() > pipeline.settings().asyncThresholdBytes()) {
            runInBackground(prepared);
            return new Submitted.Accepted(prepared.job());
        }
        return new Submitted.Ingested(pipeline.run(prepared));
    }

    private void runInBackground(IngestPipeline.Prepared prepared) {
        background.submit(() -> {
            try {
                pipeline.run(prepared);
            } catch (Exception e) {
                LOG.warnf("job %d failed: %s", prepared.job().jobId(), e.getMessage());
            }
            return null;
        });
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
