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

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs deletion jobs in the background, one batch (one storage transaction) after another, on one worker thread so
 * deletions never compete with each other for the same atoms. At start it resumes every RUNNING job the storage
 * holds (a process that stopped mid-way left its job at the last committed batch); a job whose batch failed runs again
 * after a growing pause; at shutdown it stops between batches, never inside one (a JDBC call is not interrupted).
 */
@ApplicationScoped
public class DeletionRunner {
    private static final Logger LOG = Logger.getLogger(DeletionRunner.class);

    @Inject
    @Writes
    StorageEngine storage;
    @ConfigProperty(name = "hart.deletion.batch-rows", defaultValue = "" + Deletions.DEFAULT_BATCH)
    int batchRows;

    /** The pause before a failed job runs again doubles from this up to {@link #MAX_RETRY_DELAY}. */
    private static final Duration FIRST_RETRY_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(5);

    private final ScheduledThreadPoolExecutor worker = worker();
    private final AtomicBoolean stopping = new AtomicBoolean();

    private static ScheduledThreadPoolExecutor worker() {
        ScheduledThreadPoolExecutor worker = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("hart-deletion").daemon().factory());
        // At shutdown a pending retry is dropped (the next start resumes the job), not waited for.
        worker.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return worker;
    }

    void onStart(@Observes StartupEvent event) {
        resumeUnfinished();
    }

    /** Queues every RUNNING deletion job the storage holds: what a process that starts does first. */
    public void resumeUnfinished() {
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
        worker.execute(() -> run(jobId, FIRST_RETRY_DELAY));
    }

    private void run(long jobId, Duration retryDelay) {
        try {
            DeletionJob job = storage.deletions().job(jobId).orElse(null);
            while (job != null && !job.finished() && !stopping.get()) {
                job = storage.deletions().runBatch(jobId, batchRows);
            }
        } catch (RuntimeException e) {
            // The job stays RUNNING at its last committed batch and goes on from there later (a deletion is never
            // given up: what is left of the file is invisible and would otherwise stay forever).
            LOG.errorf(e, "deletion job %d stopped; it runs again in %d s", jobId, retryDelay.toSeconds());
            if (!stopping.get()) {
                Duration next = retryDelay.multipliedBy(2).compareTo(MAX_RETRY_DELAY) > 0
                        ? MAX_RETRY_DELAY : retryDelay.multipliedBy(2);
                worker.schedule(() -> run(jobId, next), retryDelay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }
}
