package io.hartonomous.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * The query API's own settings. The key and storage settings both tiers share are in
 * {@link io.hartonomous.edge.config.EdgeConfig}, under the same {@code hart} prefix: SmallRye Config lets mappings
 * share a namespace as long as every property in it is mapped by one of them (an unmapped {@code hart.*} property
 * fails the start, which catches typos).
 */
@ConfigMapping(prefix = "hart")
public interface ApiConfig {
    Api api();

    Neo4j neo4j();

    Inference inference();

    /** hart.api.*: what the API itself needs besides the shared key settings. */
    interface Api {
        /** Requests per minute for keys made through POST /api/admin/keys without rateLimitPerMinute. */
        @WithDefault("600")
        int defaultRateLimit();

        /**
         * Values per storage stream while streaming content. An engine reads a stream a bounded window at a time
         * (no connection held between windows) and reuses across its windows the values it resolved, so long pages
         * cost one lookup per distinct value of the page, not of every window (issue 12).
         */
        @WithDefault("16777216")
        int contentPageRows();
    }

    /**
     * hart.inference.*: running stored models. Sessions are built from the storage tier on a cache miss, one model at
     * a time (peak heap: about twice the largest model being loaded, plus the cache).
     */
    interface Inference {
        /** The largest model (tensor bytes plus structure) the API reassembles; larger ones are refused (422). */
        @WithDefault("536870912")
        long maxModelBytes();

        /** What the session cache may hold in total (model bytes); least recently used sessions are closed first. */
        @WithDefault("1073741824")
        long cacheBytes();

        /** ONNX Runtime threads per run (intra-op); 0 lets ONNX Runtime choose (every core). */
        @WithDefault("1")
        int intraOpThreads();

        /** The most input elements one run takes (inline data and atoms converted to tensors, all inputs). */
        @WithDefault("16777216")
        long maxInputElements();
    }

    /** hart.neo4j.*: the cold tier the provenance sync writes to; without a URI the sync is off. */
    interface Neo4j {
        Optional<String> uri();

        @WithDefault("neo4j")
        String user();

        Optional<String> password();

        Optional<String> database();

        /** hart.neo4j.circuit.*: the breaker on the Neo4j writer. */
        Circuit circuit();
    }

    /** Failures in a row that open the breaker, and how long it stays open before one probe is let through. */
    interface Circuit {
        @WithDefault("5")
        int failureThreshold();

        @WithDefault("PT30S")
        Duration coolDown();
    }
}
