package io.hartonomous.storage.local;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BootstrapKeysTest {
    @Test
    void generatesAKeyOnceWritesItOwnerOnlyAndReusesIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data").resolve(BootstrapKeys.FILE_NAME);
        String key = BootstrapKeys.readOrCreate(file);
        assertThat(key).matches("hk_[0-9a-f]{48}");
        assertThat(Files.readString(file).strip()).isEqualTo(key);
        assertThat(Files.getPosixFilePermissions(file))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        assertThat(BootstrapKeys.readOrCreate(file)).isEqualTo(key);
        try (var left = Files.list(file.getParent())) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly(BootstrapKeys.FILE_NAME);
        }
    }

    @Test
    void aConfiguredKeyWinsOverTheFile(@TempDir Path dir) {
        assertThat(BootstrapKeys.resolve(Optional.of("  configured-key "), dir)).isEqualTo("configured-key");
        assertThat(dir.resolve(BootstrapKeys.FILE_NAME)).doesNotExist();
        assertThat(BootstrapKeys.resolve(Optional.of(" "), dir)).startsWith(BootstrapKeys.PREFIX);
        assertThat(dir.resolve(BootstrapKeys.FILE_NAME)).exists();
    }

    @Test
    void anEmptyKeyFileIsRefusedLoudly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(BootstrapKeys.FILE_NAME);
        Files.writeString(file, "\n");
        assertThatThrownBy(() -> BootstrapKeys.readOrCreate(file)).hasMessageContaining("api-key");
    }

    @Test
    void keysAreDistinct() {
        assertThat(BootstrapKeys.generate()).isNotEqualTo(BootstrapKeys.generate());
    }
}
