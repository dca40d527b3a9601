package io.hartonomous.ingest.atomize;

import io.hartonomous.storage.contract.atoms.AtomType;
import io.hartonomous.storage.contract.atoms.ContentHash;
import io.hartonomous.storage.contract.atoms.Modality;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/** Parent-atom hashes: a whole file under {@code modality/file}, and the derived identity of a frame or page. */
public final class FileHashes {
    private FileHashes() {
    }

    public static ContentHash ofFile(Modality modality, Path file) throws IOException {
        MessageDigest digest = ContentHash.newDigest(AtomType.file(modality));
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return ContentHash.finish(digest);
    }

    /** See {@link ChildPart}: frame/page {@code index} of the file whose parent hash is {@code parent}. */
    public static ContentHash ofChild(Modality modality, String relation, int index, ContentHash parent) {
        MessageDigest digest = ContentHash.newDigest(AtomType.file(modality));
        digest.update((relation + ":" + index + ":" + parent.hex()).getBytes(StandardCharsets.UTF_8));
        return ContentHash.finish(digest);
    }
}
