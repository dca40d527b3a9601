package io.hartonomous.storage.contract.ingest;

import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;

/**
 * What the ingest tier knows before atomizing: the file's typed hash, size, metadata and spool location.
 * {@code childIndex} is the frame or page of the spooled file this job ingests (null: the file itself).
 */
public record NewJob(Modality modality, String name, ContentHash fileHash, long bytesTotal, String metadataJson,
                     String sourcePath, Integer childIndex) {
    /** A job for a whole file. */
    public NewJob(Modality modality, String name, ContentHash fileHash, long bytesTotal, String metadataJson,
                  String sourcePath) {
        this(modality, name, fileHash, bytesTotal, metadataJson, sourcePath, null);
    }

    public NewJob {
        if (modality == null || fileHash == null) {
            throw new IllegalArgumentException("modality and file hash are required");
        }
        if (bytesTotal < 0) {
            throw new IllegalArgumentException("bytesTotal cannot be negative");
        }
        if (childIndex != null && childIndex < 1) {
            throw new IllegalArgumentException("a child index counts frames or pages from 1");
        }
    }
}
