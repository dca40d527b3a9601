package io.hartonomous.benchmarks.ingest;

import io.hartonomous.ingest.pipeline.IngestOutcome;
import io.hartonomous.ingest.pipeline.IngestPipeline;
import io.hartonomous.ingest.pipeline.IngestSettings;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.contract.models.Model;
import io.hartonomous.storage.contract.models.ModelStore;
import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.local.ScratchDirs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model file ingested through the real pipeline into a fresh embedded file database at {@code db} (tenant
 * {@code bench}), as the model benches start: the outcome and the wall time of the ingest, the spool deleted after.
 */
public record IngestedModel(IngestOutcome outcome, double ingestMs) {
    public static final String TENANT = "bench";

    public static IngestedModel ingest(Path db, Path model) throws IOException {
        try (StorageEngine engine = StorageEngines.open(LocalStorage.embeddedFile(db))) {
            IngestPipeline pipeline = new IngestPipeline(engine, IngestSettings.defaults(db.resolve("spool")));
            long t0 = System.nanoTime();
            IngestOutcome outcome;
            try (InputStream in = Files.newInputStream(model)) {
                outcome = pipeline.ingest(TENANT, null, model.getFileName().toString(), in);
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            ScratchDirs.delete(db.resolve("spool"));
            return new IngestedModel(outcome, ms);
        }
    }

    /** The model row the ingest made (the one whose parent atom is the file's). */
    public Model model(ModelStore models) {
        return models.list().stream().filter(x -> x.parentAtomId() == outcome.atomId()).findFirst().orElseThrow();
    }
}
