package io.hartonomous.benchmarks.ingest;

import io.hartonomous.ingest.pipeline.IngestOutcome;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelLayer;
import io.hartonomous.storage.contract.models.ModelStore;
import io.hartonomous.storage.contract.models.TensorCell;
import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.local.Machine;
import io.hartonomous.storage.local.ScratchDirs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Issue 12, models: one model file through the pipeline into a fresh embedded file database, in-process; then every
 * tensor read back twice, as cells ({@code ModelStore.tensor}, what the API's tensor pages read) and as row-major
 * bytes ({@code ModelStore.tensorBytes}, what running the model reads), and the bytes on disk per weight. The files:
 * the largest model in the test data cache (all-MiniLM-L6-v2, quantized ONNX) and a synthetic dense f16 safetensors
 * file (tensors of 1024 x 1024 Gaussian weights, a trained model's scale) written here.
 */
final class ModelScaleBench {
    private static final int SIDE = 1024;

    private ModelScaleBench() {
    }

    static String header() {
        return """
                | model | weights | tensors | distinct atoms | ingest | weights/s | tensor cells | tensor bytes \
                | on disk | bytes / weight |
                |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
                """;
    }

    /**
     * One row of the table for {@code file}, or (file null) for a synthetic f16 file of about {@code weights}; with
     * {@code baseline}, also the row-per-position floor of the same file in the same run (RawInsert: every weight a
     * row of the old coefficient table with its indexes, each distinct atom once, a transaction per chunk), which is
     * what the issue calls today's figure, and the ingest's speed-up over it.
     */
    static String run(Path file, long weights, boolean baseline, double baselineBudgetMs) throws Exception {
        Path work = Files.createTempDirectory("hart-bench-model");
        try {
            Path model = file != null ? file : denseF16(work.resolve("dense-f16.safetensors"), weights);
            Path empty = Files.createTempDirectory(work, "empty");
            StorageEngines.open(LocalStorage.embeddedFile(empty)).close();
            long emptyBytes = ScaleBench.size(empty);

            Path db = Files.createTempDirectory(work, "db");
            IngestedModel ingested = IngestedModel.ingest(db, model);
            IngestOutcome outcome = ingested.outcome();
            double ingestMs = ingested.ingestMs();
            RawRows.Streamed rows = null;
            if (baseline) {
                Path rawDir = Files.createTempDirectory(work, "rows");
                StorageEngines.open(LocalStorage.embeddedFile(rawDir)).close();
                try (java.sql.Connection c = java.sql.DriverManager.getConnection(
                        LocalStorage.embeddedFile(rawDir).url(), LocalStorage.DEFAULT_USER, "")) {
                    rows = RawRows.insertStreaming(model, io.hartonomous.ingest.atomize.ChunkPlan.DEFAULT_CHUNK_ROWS,
                            c, baselineBudgetMs);
                }
                ScratchDirs.delete(rawDir);
            }
            long bytes = ScaleBench.size(db) - emptyBytes;
            long stored = 0;
            long checksum = 0;
            double cellsMs;
            double bytesMs;
            int tensors;
            try (StorageEngine engine = StorageEngines.open(LocalStorage.embeddedFile(db))) {
                ModelStore models = engine.forTenant(IngestedModel.TENANT).models();
                Model m = ingested.model(models);
                List<ModelLayer> layers = models.layers(m.modelId());
                tensors = layers.size();
                long t0 = System.nanoTime();
                for (ModelLayer layer : layers) {
                    try (Stream<TensorCell> cells = models.tensor(m.modelId(), layer.layerIdx(), null)) {
                        for (Iterator<TensorCell> it = cells.iterator(); it.hasNext(); ) {
                            TensorCell c = it.next();
                            checksum += c.value()[0];
                            stored++;
                        }
                    }
                }
                cellsMs = (System.nanoTime() - t0) / 1e6;
                long t1 = System.nanoTime();
                for (ModelLayer layer : layers) {
                    byte[] values = tensorBytes(models, m.modelId(), layer.layerIdx());
                    checksum += values.length == 0 ? 0 : values[values.length - 1];
                }
                bytesMs = (System.nanoTime() - t1) / 1e6;
            }
            String versus = rows == null ? "" : rows.complete()
                    ? String.format(Locale.ROOT, "%nRow per position, same file, same run (RawInsert, H2's floor "
                            + "for the old model): %,.0f ms; the ingest on segments is **%.1fx** faster.%n",
                            rows.ms(), rows.ms() / ingestMs)
                    : String.format(Locale.ROOT, "%nRow per position, same file, same run (RawInsert, H2's floor "
                            + "for the old model), stopped at its budget: %,d of %,d rows in %,.0f ms (%,.0f rows/s). "
                            + "The row table only slows as it grows, so the whole file takes at least %,.0f ms; the "
                            + "ingest on segments is **at least %.1fx** faster.%n", rows.rows(), stored, rows.ms(),
                            rows.rows() / (rows.ms() / 1e3), rows.atLeastMs(stored), rows.atLeastMs(stored) / ingestMs);
            return String.format(Locale.ROOT, "| %s (%,.1f MB) | %,d | %d | %,d | %,.0f ms | %,.0f | %,.0f ms | %,.0f ms "
                            + "| %,.1f MB | %.1f |%n", model.getFileName(), Files.size(model) / 1e6, stored, tensors,
                    outcome.distinctAtoms(), ingestMs, stored / (ingestMs / 1e3), cellsMs, bytesMs, bytes / 1e6,
                    (double) bytes / stored)
                    + String.format(Locale.ROOT, "%n(checksum %d; JDK %s, %d cores, %s, load average after %s)%n",
                    checksum, Runtime.version(), Runtime.getRuntime().availableProcessors(), Machine.cpu(),
                    Machine.loadAverage()) + versus;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            ScratchDirs.delete(work);
        }
    }

    /** What running the model reads: the tensor's values, row-major, as canonical bytes. */
    private static byte[] tensorBytes(ModelStore models, long modelId, int layerIdx) {
        return models.tensorBytes(modelId, layerIdx, null);
    }

    /** Tensors of 1024 x 1024 f16 Gaussian weights (sigma 0.05), as many as reach {@code weights}. */
    static Path denseF16(Path file, long weights) throws IOException {
        int count = (int) Math.max(1, weights / ((long) SIDE * SIDE));
        long tensorBytes = 2L * SIDE * SIDE;
        StringBuilder json = new StringBuilder("{");
        for (int t = 0; t < count; t++) {
            json.append(t == 0 ? "" : ",").append("\"layer.").append(t).append(".weight\":{\"dtype\":\"F16\",")
                    .append("\"shape\":[").append(SIDE).append(',').append(SIDE).append("],\"data_offsets\":[")
                    .append(t * tensorBytes).append(',').append((t + 1) * tensorBytes).append("]}");
        }
        byte[] text = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
        SplittableRandom random = new SplittableRandom(12);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(8 + text.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(text.length).put(text).flip();
            ch.write(head);
            ByteBuffer buffer = ByteBuffer.allocate((int) tensorBytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int t = 0; t < count; t++) {
                buffer.clear();
                while (buffer.hasRemaining()) {
                    buffer.putShort(Float.floatToFloat16((float) (random.nextGaussian() * 0.05)));
                }
                buffer.flip();
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
            }
        }
        return file;
    }
}
