package io.hartonomous.edge.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The settings both tiers' edges read ({@code hart.data}, {@code hart.storage.*} and the key settings under
 * {@code hart.api.*}). Each tier maps its own settings in a mapping of its own in the same namespace (the API's
 * {@code hart} mapping, the ingest tier's {@code hart.ingest}): SmallRye Config lets mappings overlap as long as
 * every property under their prefixes is mapped by one of them; an unmapped {@code hart.*} property fails the start.
 */
@ConfigMapping(prefix = "hart")
public interface EdgeConfig {
    /** The data folder: the embedded database without a storage URL, the bootstrap key file, the ingest spool. */
    Path data();

    Storage storage();

    Keys api();

    /** How to reach the storage tier. */
    interface Storage {
        /** jdbc:h2:tcp://... or jdbc:sqlserver://...; absent: the embedded engine on a file database in data. */
        Optional<String> url();

        @WithDefault("hart")
        String user();

        Optional<String> password();

        @WithDefault("8")
        int poolSize();

        /** Ask for read intent on the default pool (AG readable secondaries); writes then get their own pool. */
        @WithDefault("false")
        boolean readIntent();

        /** Where the writes pool goes (default: url); setting it also gives writes their own pool. */
        Optional<String> writeUrl();

        @WithDefault("4")
        int writePoolSize();
    }

    /** API keys: the bootstrap admin key and how long a resolved key is trusted. */
    interface Keys {
        /** The bootstrap admin key (HART_API_KEY); absent: read from, or generated in, data/api-key. */
        Optional<String> key();

        @WithDefault("default")
        String bootstrapTenant();

        @WithDefault("6000000")
        int bootstrapRateLimit();

        @WithDefault("5S")
        Duration keyCacheTtl();
    }
}
