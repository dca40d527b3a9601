package io.hartonomous.ingest.atomize;

import io.hartonomous.storage.contract.atoms.ContentHash;

/**
 * A further frame (animated GIF) or page (multipage TIFF) of a file, ingested as its own parent atom in its own job and
 * linked to the file's parent by a provenance edge {@code child -relation-> parent}. {@code fileHash} identifies
 * "frame {@code index} of that file": SHA-256 over the {@code image/file} header and
 * {@code "<relation>:<index>:<parent file hash hex>"}, so re-ingesting the file dedupes its frames too.
 */
public record ChildPart(int index, String relation, ContentHash fileHash, String nameSuffix) {
    public static final String FRAME_OF = "frame-of";
    public static final String PAGE_OF = "page-of";
}
