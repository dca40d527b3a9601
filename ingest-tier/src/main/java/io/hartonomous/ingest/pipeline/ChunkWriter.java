package io.hartonomous.ingest.pipeline;

import io.hartonomous.ingest.atomize.AtomChunk;
import io.hartonomous.ingest.atomize.ChunkSink;
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
 * The sink between atomizing and writing: the atomizer produces chunk k+1 while chunk k is written. The queue is
 * bounded, so a slow storage tier slows the atomizer instead of filling memory (backpressure).
 */
final class ChunkWriter implements ChunkSink, AutoCloseable {
    private static final AtomChunk END = new AtomChunk(-1, java.util.List.of(), null, null, 0);

    private final IngestWrites writes;
    private final long jobId;
    private final BlockingQueue<AtomChunk> queue;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread writer;
    private Model model;
    private boolean ended;

    ChunkWriter(IngestWrites writes, long jobId, int queuedChunks) {
        this.writes = writes;
        this.jobId = jobId;
        this.queue = new ArrayBlockingQueue<>(queuedChunks);
        this.writer = Thread.ofPlatform().name("chunk-writer-" + jobId).daemon().start(this::drain);
    }

    private void drain() {
        try {
            while (true) {
                AtomChunk chunk = queue.take();
                if (chunk == END) {
                    return;
                }
                if (failure.get() == null) {
                    writes.writeChunk(jobId, chunk.toChunk());
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
        model = writes.registerModel(jobId, newModel);
    }

    Optional<Model> registeredModel() {
        return Optional.ofNullable(model);
    }

    @Override
    public void chunk(AtomChunk chunk) throws IOException {
        rethrowFailure();
        try {
            while (!queue.offer(chunk, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                rethrowFailure();
                if (!writer.isAlive()) {
                    throw new IOException("the chunk writer stopped");
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
            while (!queue.offer(END, 100, java.util.concurrent.TimeUnit.MILLISECONDS) && writer.isAlive()) {
                // the writer is still busy with queued chunks: keep them, wait for room for the end marker
            }
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the chunk writer");
        }
        rethrowFailure();
    }

    /** Drops what is queued and stops the writer: the job is being abandoned. */
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

    @Override
    public void close() {
        if (!ended) {
            failure.compareAndSet(null, new IllegalStateException("ingest abandoned"));
            discard();
        }
    }
}
