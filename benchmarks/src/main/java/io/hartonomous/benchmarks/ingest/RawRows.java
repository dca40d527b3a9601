package io.hartonomous.benchmarks.ingest;

import io.hartonomous.storage.contract.ingest.Chunk;
import io.hartonomous.ingest.atomize.AtomizedFile;
import io.hartonomous.ingest.atomize.Atomizers;
import io.hartonomous.ingest.atomize.ChunkSink;
import io.hartonomous.ingest.atomize.IngestLimits;
import io.hartonomous.storage.contract.models.NewModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The rows a file becomes, collected in memory once, so the raw insert writes exactly what the pipeline writes. */
record RawRows(String metadataJson, NewModel model, List<Chunk> chunks) {

    static RawRows of(Path file, int chunkRows) throws IOException {
        List<Chunk> chunks = new ArrayList<>();
        NewModel[] model = new NewModel[1];
        try (AtomizedFile atomized = Atomizers.open(file, null, IngestLimits.DEFAULT, chunkRows)) {
            atomized.emit(0, new ChunkSink() {
                @Override
                public void model(NewModel m) {
                    model[0] = m;
                }

                @Override
                public void chunk(Chunk chunk) {
                    chunks.add(chunk);
                }
            });
            return new RawRows(atomized.metadataJson(), model[0], List.copyOf(chunks));
        }
    }

    long rows() {
        return chunks.stream().mapToLong(c -> c.compositions().size() + c.coefficients().size()).sum();
    }
}
