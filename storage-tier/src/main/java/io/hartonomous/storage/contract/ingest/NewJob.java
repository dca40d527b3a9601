package io.hartonomous.storage.contract.ingest;

import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;

/** What the ingest tier knows before atomizing: the file's typed hash, size, metadata and spool location. */
public record NewJob(Modality modality, String name, ContentHash fileHash, long bytesTotal, String metadataJson,
                     String sourcePath) {
    public NewJob {
        if (modality == null || fileHash == null) {
            throw new IllegalArgumentException("modality and file hash are required");
        }
        if (bytesTotal < 0) {
            throw new IllegalArgumentException("bytesTotal cannot be negative");
        }
    }
}
