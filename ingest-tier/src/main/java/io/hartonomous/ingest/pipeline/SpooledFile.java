package io.hartonomous.ingest.pipeline;

import io.hartonomous.ingest.atomize.FileHashes;
import io.hartonomous.ingest.detect.LimitExceededException;
import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.UUID;

/**
 * An upload written to the spool folder as it arrives (never held in memory), with its size and, when the modality is
 * known up front, its typed file hash computed on the way. The spool outlives a crash, so a resumed job reads it.
 */
public record SpooledFile(Path path, long size, ContentHash hash) {
    private static final int BUFFER = 1 << 16;

    /** Streams {@code body} to a new spool file, refusing more than {@code maxBytes}. */
    static SpooledFile write(InputStream body, Path spoolDir, Modality modality, long maxBytes) throws IOException {
        Files.createDirectories(spoolDir);
        Path target = spoolDir.resolve(UUID.randomUUID() + ".upload");
        MessageDigest digest = modality == null ? null : ContentHash.newDigest(AtomType.file(modality));
        long size = 0;
        byte[] buffer = new byte[BUFFER];
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            int n;
            while ((n = body.read(buffer)) > 0) {
                size += n;
                if (size > maxBytes) {
                    throw new LimitExceededException("the upload is larger than the limit of " + maxBytes + " bytes");
                }
                if (digest != null) {
                    digest.update(buffer, 0, n);
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(target);
            throw e;
        }
        return new SpooledFile(target, size, digest == null ? null : ContentHash.finish(digest));
    }

    /** The typed hash, computed now from the spooled bytes if it was not computed while spooling. */
    SpooledFile withHash(Modality modality) throws IOException {
        return hash != null ? this : new SpooledFile(path, size, FileHashes.ofFile(modality, path));
    }

    void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove spool file " + path, e);
        }
    }
}
