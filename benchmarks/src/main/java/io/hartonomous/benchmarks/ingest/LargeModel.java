package io.hartonomous.benchmarks.ingest;

import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.local.ScratchDirs;
import io.hartonomous.ingest.pipeline.IngestOutcome;
import io.hartonomous.ingest.pipeline.IngestPipeline;
import io.hartonomous.ingest.pipeline.IngestSettings;
import io.hartonomous.storage.contract.ingest.JobState;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Model files larger than the heap, as safetensors written here:
 * <ul>
 *   <li>{@code sparse}: 4.3 GB on disk (a hole in the middle), one f32 tensor at the start of the data and one f16
 *   tensor beyond 4 GiB, so the reader must address the mapping past 2^31 and 2^32;</li>
 *   <li>{@code dense}: every byte a weight (f64, so the file outgrows the heap in the fewest rows), larger than the
 *   heap, so every page is read and every weight written.</li>
 * </ul>
 * The heap stays bounded because the file is memory-mapped (FFM) and emitted chunk by chunk through a bounded queue.
 */
final class LargeModel {
    private static final int ROWS = 512;
    private static final int COLS = 1024;

    private LargeModel() {
    }

    static String run(Path work, String kind, long denseBytes) throws Exception {
        Path file = work.resolve(kind + ".safetensors");
        try {
            long expectedRows = kind.equals("sparse") ? writeSparse(file) : writeDense(file, denseBytes);
            long heapMax = Runtime.getRuntime().maxMemory();
            long t0 = System.nanoTime();
            IngestOutcome outcome;
            Path db = work.resolve("db");
            // A small H2 page cache: the point is the ingest path's own memory, not the database's cache.
            StorageConfig base = LocalStorage.embeddedFile(db);
            StorageConfig config = new StorageConfig(base.url() + ";CACHE_SIZE=8192", base.user(), base.password(),
                    4, false);
            LiveHeapSampler heap = new LiveHeapSampler();
            try (heap; StorageEngine engine = StorageEngines.open(config);
                 InputStream in = Files.newInputStream(file)) {
                outcome = new IngestPipeline(engine, IngestSettings.defaults(work.resolve("spool")))
                        .ingest("bench", null, file.getFileName().toString(), in);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (outcome.state() != JobState.COMPLETED || outcome.compositions() != expectedRows) {
                throw new IllegalStateException("ingest of " + file + " ended " + outcome.state() + " with "
                        + outcome.compositions() + " rows, expected " + expectedRows);
            }
            String row = String.format(Locale.ROOT,
                    "| %s | %,.0f MB | %,.0f MB | %,.1fx | %,d | %,.0f MB | %,.0f s | %,.0f |%n",
                    kind, Files.size(file) / 1e6, heapMax / 1e6, Files.size(file) / (double) heapMax,
                    outcome.compositions(), heap.maxLiveBytes() / 1e6, seconds, outcome.compositions() / seconds);
            System.out.print(row);
            return row;
        } finally {
            ScratchDirs.delete(work);
        }
    }

    /** Header + 2 MiB of f32 at data offset 0 + a hole + 1 MiB of f16 just past 4 GiB + 2^32 of the data. */
    private static long writeSparse(Path file) throws IOException {
        long f32Bytes = (long) ROWS * COLS * 4;
        long f16Begin = (1L << 32) + 4096;
        long f16Bytes = (long) ROWS * COLS * 2;
        String header = "{\"first\":{\"dtype\":\"F32\",\"shape\":[" + ROWS + "," + COLS + "],\"data_offsets\":[0,"
                + f32Bytes + "]},\"beyond_4gib\":{\"dtype\":\"F16\",\"shape\":[" + ROWS + "," + COLS
                + "],\"data_offsets\":[" + f16Begin + "," + (f16Begin + f16Bytes) + "]}}";
        long dataStart = writeHeader(file, header);
        SplittableRandom random = new SplittableRandom(7);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            writeWeights(ch, dataStart, (long) ROWS * COLS, Float.BYTES, random);
            ByteBuffer half = ByteBuffer.allocate((int) f16Bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < ROWS * COLS; i++) {
                half.putShort(Float.floatToFloat16((float) random.nextGaussian()));
            }
            half.flip();
            ch.write(half, dataStart + f16Begin);
        }
        return 2L * ROWS * COLS;
    }

    /** One f64 tensor of {@code bytes} (rounded down to whole rows of 1024), Gaussian weights. */
    private static long writeDense(Path file, long bytes) throws IOException {
        long rows = bytes / (COLS * 8L);
        long elements = rows * COLS;
        String header = "{\"dense\":{\"dtype\":\"F64\",\"shape\":[" + rows + "," + COLS + "],\"data_offsets\":[0,"
                + elements * 8 + "]}}";
        long dataStart = writeHeader(file, header);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            writeWeights(ch, dataStart, elements, Double.BYTES, new SplittableRandom(11));
        }
        return elements;
    }

    private static long writeHeader(Path file, String json) throws IOException {
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer head = ByteBuffer.allocate(8 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(text.length).put(text).flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(head, 0);
        }
        return 8L + text.length;
    }

    /** Weights rounded to 1/256 so values repeat (as trained weights do) and atoms deduplicate; f32 or f64. */
    private static void writeWeights(FileChannel ch, long position, long count, int width, SplittableRandom random)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        long written = 0;
        while (written < count) {
            buffer.clear();
            while (buffer.remaining() >= width && written < count) {
                double weight = Math.round(random.nextGaussian() * 256) / 256d;
                if (width == Double.BYTES) {
                    buffer.putDouble(weight);
                } else {
                    buffer.putFloat((float) weight);
                }
                written++;
            }
            buffer.flip();
            while (buffer.hasRemaining()) {
                position += ch.write(buffer, position);
            }
        }
    }
}
