package io.hartonomous.ingest.pipeline;

import io.hartonomous.ingest.atomize.ChunkSink;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.IngestWrites;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.NewModel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The sink between atomizing and committing: the atomizer queues chunk k+1 while a background thread commits chunk k
 * through the contract's {@code writeChunk}. The queue is bounded, so a slow storage tier slows the atomizer instead
 * of filling memory (backpressure).
 */
final class QueuedChunkCommitter implements ChunkSink, AutoCloseable {
    /** The end-of-queue marker, recognised by identity (never committed). */
    private static final Chunk END = new Chunk(0, java.util.List.of(), null, null, 0);

    private final IngestWrites writes;
    private final long jobId;
    private final String uploadName;
    private final BlockingQueue<Chunk> queue;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread committer;
    private Model model;
    private boolean ended;

    /** {@code uploadName} names a model whose file gives it no name of its own. */
    QueuedChunkCommitter(IngestWrites writes, long jobId, String uploadName, int queuedChunks) {
        this.writes = writes;
        this.jobId = jobId;
        this.uploadName = uploadName;
        this.queue = new ArrayBlockingQueue<>(queuedChunks);
        this.committer = Thread.ofPlatform().name("chunk-committer-" + jobId).daemon().start(this::drain);
    }

    private void drain() {
        try {
            while (true) {
                Chunk chunk = queue.take();
                if (chunk == END) {
                    return;
                }
                if (failure.get() == null) {
                    writes.writeChunk(jobId, chunk);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            queue.clear();
        }
    }

    @Override
    public void model(NewModel newModel) {
        model = writes.registerModel(jobId, newModel.namedIfUnnamed(uploadName));
    }

    Optional<Model> registeredModel() {
        return Optional.ofNullable(model);
    }

    @Override
    public void chunk(Chunk chunk) throws IOException {
        rethrowFailure();
        try {
            while (!queue.offer(chunk, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                rethrowFailure();
                if (!committer.isAlive()) {
                    throw new IOException("the chunk committer stopped");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while queueing a chunk");
        }
    }

    /** Waits until every queued chunk is written; rethrows the first write failure. */
    void finish() throws IOException {
        ended = true;
        try {
            while (!queue.offer(END, 100, java.util.concurrent.TimeUnit.MILLISECONDS) && committer.isAlive()) {
                // the committer is still busy with queued chunks: keep them, wait for room for the end marker
            }
            committer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the chunk committer");
        }
        rethrowFailure();
    }

    /** Drops what is queued and stops the committer: the job is being abandoned. */
    private void discard() {
        ended = true;
        queue.clear();
        queue.offer(END);
    }

    private void rethrowFailure() throws IOException {
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IOException(t);
        }
    }

    /**
     * Abandons what is still queued and waits for the committer thread to end (at most the chunk it is writing), so a
     * job that is failed next is failed after its last write, and no thread outlives its job.
     */
    @Override
    public void close() {
        if (!ended) {
            failure.compareAndSet(null, new IllegalStateException("ingest abandoned"));
            discard();
        }
        try {
            committer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
