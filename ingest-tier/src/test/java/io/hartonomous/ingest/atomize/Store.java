package io.hartonomous.ingest.atomize;

import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.storage.contract.ingest.ChunkReceipt;
import io.hartonomous.storage.contract.ingest.IngestionJob;
import io.hartonomous.storage.contract.ingest.JobStart;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.ingest.NewJob;
import io.hartonomous.storage.contract.models.NewModel;
import io.hartonomous.storage.contract.atoms.PlacedValue;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.models.TensorCell;
import io.hartonomous.storage.contract.TenantStorage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real embedded engine (H2 in a temporary folder) written through the storage contract exactly as the pipeline
 * does: startJob, registerModel, writeChunk per chunk, completeJob. No mocks.
 */
public final class Store implements AutoCloseable {
    /**
     * Files up to this many rows round-trip through H2; larger ones are checked from the emitted chunks (size guard:
     * the embedded engine's spatial index makes bulk inserts slow). Raise with -Dhart.test.h2Rows for a heavy run.
     */
    public static final long H2_ROWS = Long.getLong("hart.test.h2Rows", 2048);

    private final StorageEngine engine;
    private final TenantStorage tenant;

    public Store(Path dir) {
        engine = StorageEngines.open(LocalStorage.embeddedFile(dir));
        tenant = engine.forTenant("atomizer-tests");
    }

    public TenantStorage tenant() {
        return tenant;
    }

    public record Ingested(long jobId, long parentAtomId, Long modelId, List<ChunkReceipt> receipts) {
    }

    public Ingested ingest(Path file, AtomizedFile atomized, String name) throws IOException {
        return ingest(file, atomized, name, ChunkEmitter.SEQUENTIAL);
    }

    /** As above, the chunks atomized by {@code emitter} (several at once when its parallelism is above 1). */
    public Ingested ingest(Path file, AtomizedFile atomized, String name, ChunkEmitter emitter) throws IOException {
        JobStart start = tenant.ingest().startJob(new NewJob(atomized.modality(), name,
                FileHashes.ofFile(atomized.modality(), file), atomized.bytesTotal(), atomized.metadataJson(),
                file.toString()));
        return write(start, atomized, emitter);
    }

    public Ingested write(JobStart start, AtomizedFile atomized) throws IOException {
        return write(start, atomized, ChunkEmitter.SEQUENTIAL);
    }

    public Ingested write(JobStart start, AtomizedFile atomized, ChunkEmitter emitter) throws IOException {
        long jobId = start.job().jobId();
        if (start.deduplicated()) {
            Long model = tenant.models().list().stream().filter(m -> m.parentAtomId() == start.parent().atomId())
                    .map(Model::modelId).findFirst().orElse(null);
            return new Ingested(jobId, start.parent().atomId(), model, List.of());
        }
        Long[] modelId = {null};
        List<ChunkReceipt> receipts = new ArrayList<>();
        emitter.emit(atomized, 0, new ChunkSink() {
            @Override
            public void model(NewModel model) {
                modelId[0] = tenant.ingest().registerModel(jobId, model.namedIfUnnamed(start.job().name()))
                        .modelId();
            }

            @Override
            public void chunk(Chunk chunk) {
                receipts.add(tenant.ingest().writeChunk(jobId, chunk));
            }
        }, "atomize-store");
        IngestionJob done = tenant.ingest().completeJob(jobId, atomized.metadataJson());
        return new Ingested(jobId, done.parentAtomId(), modelId[0], receipts);
    }

    /** Component values in sequence order: through H2 when small enough, else from the captured chunks. */
    public byte[] roundTrip(Path file, AtomizedFile f) throws IOException {
        if (f.rows() > H2_ROWS) {
            return Captured.emit(f, 0, false).composedBytes();
        }
        return placedBytes(ingest(file, f, file.getFileName().toString()).parentAtomId());
    }

    /** The parent's component values concatenated in sequence order: the bytes reconstruction would read. */
    public byte[] placedBytes(long parentAtomId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Stream<PlacedValue> values = tenant.atoms().placedValues(parentAtomId, 0, Long.MAX_VALUE)) {
            long expected = 0;
            for (PlacedValue v : (Iterable<PlacedValue>) values::iterator) {
                if (v.sequenceIndex() != expected++) {
                    throw new AssertionError("sequence gap at " + (expected - 1));
                }
                out.writeBytes(v.value());
            }
        }
        return out.toByteArray();
    }

    /** A tensor's values in (z, y, x) order, i.e. row-major element order. */
    public byte[] tensorBytes(long modelId, int layerIdx) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Stream<TensorCell> cells = tenant.models().tensor(modelId, layerIdx, null)) {
            cells.forEach(c -> out.writeBytes(c.value()));
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        engine.close();
    }
}
