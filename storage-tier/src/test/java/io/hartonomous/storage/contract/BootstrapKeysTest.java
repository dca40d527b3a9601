package io.hartonomous.api.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BootstrapKeyTest {
    @Test
    void generatesAKeyOnceWritesItOwnerOnlyAndReusesIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data").resolve(BootstrapKey.FILE_NAME);
        String key = BootstrapKey.readOrCreate(file);
        assertThat(key).matches("hk_[0-9a-f]{48}");
        assertThat(Files.readString(file).strip()).isEqualTo(key);
        assertThat(Files.getPosixFilePermissions(file))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        assertThat(BootstrapKey.readOrCreate(file)).isEqualTo(key);
        try (var left = Files.list(file.getParent())) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly(BootstrapKey.FILE_NAME);
        }
    }

    @Test
    void anEmptyKeyFileIsRefusedLoudly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(BootstrapKey.FILE_NAME);
        Files.writeString(file, "\n");
        assertThatThrownBy(() -> BootstrapKey.readOrCreate(file)).hasMessageContaining("api-key");
    }

    @Test
    void keysAreDistinct() {
        assertThat(ApiKeys.generate()).isNotEqualTo(ApiKeys.generate());
    }
}
