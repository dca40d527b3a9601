package io.hartonomous.ingest.pipeline;

import io.hartonomous.storage.contract.atoms.Modality;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The ingest process that {@link ResumeAfterKillTest} kills with SIGKILL part-way through a job. */
public final class ResumeHarness {
    private ResumeHarness() {
    }

    /** args: storage URL, file, spool folder, rows per chunk. */
    public static void main(String[] args) throws Exception {
        try (StorageEngine engine = StorageEngines.open(new StorageConfig(args[0], "hart", "", 2, false))) {
            IngestPipeline pipeline = new IngestPipeline(engine, IngestSettings.defaults(Path.of(args[2]))
                    .withChunkRows(Integer.parseInt(args[3])));
            Path file = Path.of(args[1]);
            try (InputStream in = Files.newInputStream(file)) {
                IngestPipeline.Prepared prepared = pipeline.prepare("acme", Modality.AUDIO, file.getFileName()
                        .toString(), in);
                System.out.println("started job " + prepared.job().jobId());
                pipeline.run(prepared);
            }
            System.out.println("finished");
        }
    }
}
