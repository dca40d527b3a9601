package io.hartonomous.api.jobs;

import io.hartonomous.edge.storage.Writes;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.deletion.DeletionJob;
import io.hartonomous.storage.contract.deletion.Deletions;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs deletion jobs in the background, one batch (one storage transaction) after another, on one worker thread so
 * deletions never compete with each other for the same atoms. At start it resumes every RUNNING job the storage
 * holds (a process that stopped mid-way left its job at the last committed batch); at shutdown it stops between
 * batches, never inside one (a JDBC call is not interrupted).
 */
@ApplicationScoped
public class DeletionRunner {
    private static final Logger LOG = Logger.getLogger(DeletionRunner.class);

    @Inject
    @Writes
    StorageEngine storage;
    @ConfigProperty(name = "hart.deletion.batch-rows", defaultValue = "" + Deletions.DEFAULT_BATCH)
    int batchRows;

    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("hart-deletion").daemon().factory());
    private final AtomicBoolean stopping = new AtomicBoolean();

    void onStart(@Observes StartupEvent event) {
        for (DeletionJob job : storage.deletions().unfinished()) {
            LOG.infof("resuming deletion job %d of file %d (%d of %d rows done)", job.jobId(), job.fileAtomId(),
                    job.rowsDone(), job.rowsTotal());
            submit(job.jobId());
        }
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        stopping.set(true);
        worker.shutdown();
        if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
            LOG.warn("a deletion batch is still running at shutdown; its job resumes at the next start");
        }
    }

    /** Queues the job's remaining batches. */
    public void submit(long jobId) {
        worker.execute(() -> run(jobId));
    }

    private void run(long jobId) {
        try {
            DeletionJob job = storage.deletions().job(jobId).orElse(null);
            while (job != null && !job.finished() && !stopping.get()) {
                job = storage.deletions().runBatch(jobId, batchRows);
            }
        } catch (RuntimeException e) {
            // The job stays RUNNING at its last committed batch; the next start resumes it.
            LOG.errorf(e, "deletion job %d stopped; it resumes at the next start", jobId);
        }
    }
}
