package io.hartonomous.storage.contract;

/** Service-provider interface: each engine registers one in META-INF/services, so tiers never name an engine. */
public interface StorageEngineProvider {
    boolean accepts(StorageConfig config);

    StorageEngine open(StorageConfig config);
}
