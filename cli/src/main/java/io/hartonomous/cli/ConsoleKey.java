package io.hartonomous.cli;

import io.hartonomous.storage.local.BootstrapKeys;

import java.nio.file.Path;
import java.util.Optional;

/** The bootstrap admin key the console uses for its calls: the same one the tiers register. */
final class ConsoleKey {
    private ConsoleKey() {
    }

    static String bootstrap(Path dataDir) {
        return BootstrapKeys.resolve(Optional.ofNullable(System.getenv("HART_API_KEY")), dataDir);
    }
}
