package io.hartonomous.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The bootstrap admin key: HART_API_KEY if set, else one generated once and kept in the data folder. */
final class ApiKeys {
    private ApiKeys() {
    }

    static String bootstrap(Path dataDir) {
        String configured = System.getenv("HART_API_KEY");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        Path file = dataDir.resolve("api-key");
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            Files.createDirectories(dataDir);
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String key = "hk_" + HexFormat.of().formatHex(random);
            Files.writeString(file, key + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the data folder's own permissions apply
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }
}
