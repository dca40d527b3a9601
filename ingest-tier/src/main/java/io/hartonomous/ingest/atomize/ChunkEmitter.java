package io.hartonomous.ingest.atomize;

import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.models.NewModel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/**
 * Emits a file's chunks {@code fromChunk ..} to a sink in chunk order, atomizing up to {@code parallelism} of them at
 * once. With parallelism 1 (or one chunk left) everything runs on the calling thread, as emission always did. Above
 * that, each emission owns a fixed pool of that many worker threads, closed before {@link #emit} returns: the
 * calling thread submits chunks, waits for the oldest, hands it to the sink and only then submits the next, so at
 * most {@code parallelism} chunks exist between the atomizer and the sink (being atomized, or done and waiting for
 * their turn), and a sink that blocks (the committer's bounded queue) holds the workers back. Chunk k is the same
 * whichever thread atomized it ({@link AtomizedFile#chunk}), so order, content and resume are those of sequential
 * emission.
 *
 * <p>A failure (of a chunk, or of the sink) abandons the emission: chunks not yet started are dropped, running ones
 * finish the chunk at hand (they are not interrupted: an interrupt closes a FileChannel for every thread reading it)
 * and their results are discarded, the pool is closed and its threads joined, so none outlives the call, and the
 * first failure is thrown as the chunk threw it. What the sink received is exactly the chunks before the failing one,
 * in order.
 */
public record ChunkEmitter(int parallelism) {
    /** Everything on the calling thread. */
    public static final ChunkEmitter SEQUENTIAL = new ChunkEmitter(1);

    public ChunkEmitter {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
    }

    /** {@code threadName} prefixes the workers' names (a thread dump shows whose chunks they atomize). */
    public void emit(AtomizedFile file, int fromChunk, ChunkSink sink, String threadName) throws IOException {
        ChunkPlan plan = file.layout().plan();
        plan.checkFrom(fromChunk);
        Optional<NewModel> model = file.model();
        if (model.isPresent()) {
            sink.model(model.get());
        }
        int count = plan.chunkCount();
        int workers = Math.min(parallelism, count - fromChunk);
        if (workers <= 1) {
            for (int c = fromChunk; c < count; c++) {
                sink.chunk(file.chunk(c));
            }
            return;
        }
        ArrayDeque<Future<Chunk>> inFlight = new ArrayDeque<>(workers);
        List<Thread> threads = new CopyOnWriteArrayList<>();
        ThreadFactory named = Thread.ofPlatform().name(threadName + "-", 1).daemon().factory();
        try (ExecutorService pool = Executors.newFixedThreadPool(workers, task -> {
            Thread t = named.newThread(task);
            threads.add(t);
            return t;
        })) {
            try {
                int next = fromChunk;
                while (next < count && inFlight.size() < workers) {
                    inFlight.add(submit(pool, file, next++));
                }
                while (!inFlight.isEmpty()) {
                    sink.chunk(result(inFlight.removeFirst()));
                    if (next < count) {
                        inFlight.add(submit(pool, file, next++));
                    }
                }
            } catch (IOException | RuntimeException | Error e) {
                inFlight.forEach(f -> f.cancel(false));
                throw e;
            }
        } finally { // close() shut the pool down and waited for the chunks still running; now their threads end
            joinAll(threads);
        }
    }

    /** The pool has terminated, so each thread is past its last task; an interrupt here is kept for the caller. */
    private static void joinAll(List<Thread> threads) {
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Future<Chunk> submit(ExecutorService pool, AtomizedFile file, int chunk) {
        return pool.submit(() -> file.chunk(chunk));
    }

    private static Chunk result(Future<Chunk> chunk) throws IOException {
        try {
            return chunk.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while atomizing");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }
}
