package io.hartonomous.storage.contract;

/**
 * How to reach a storage tier. The JDBC URL picks the engine: {@code jdbc:h2:...} is the embedded engine,
 * {@code jdbc:sqlserver:...} SQL Server 2025. {@code readIntent} asks for a read-only pool (API on AG replicas).
 */
public record StorageConfig(String url, String user, String password, int maxPoolSize, boolean readIntent) {
    public StorageConfig {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("a storage URL is required");
        }
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be at least 1");
        }
    }

    public StorageConfig withPoolSize(int size) {
        return new StorageConfig(url, user, password, size, readIntent);
    }

    @Override
    public String toString() {
        return "StorageConfig[url=" + url + ", user=" + user + ", maxPoolSize=" + maxPoolSize + "]";
    }
}
