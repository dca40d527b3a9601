package io.hartonomous.cli;

import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.contract.StorageConfig;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The two-tier flow on one machine: the embedded storage engine as its own process (H2 TCP server), the ingest tier
 * and the API as two more, sharing only the storage tier, exactly as in production.
 */
final class Stack implements AutoCloseable {
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final List<ServiceProcess> processes = new ArrayList<>();
    private final StorageConfig storage;
    private final URI ingestUrl;
    private final URI apiUrl;
    private final String apiKey;

    private Stack(StorageConfig storage, URI ingestUrl, URI apiUrl, String apiKey) {
        this.storage = storage;
        this.ingestUrl = ingestUrl;
        this.apiUrl = apiUrl;
        this.apiKey = apiKey;
    }

    static Stack start(Layout layout, Path dataDir, int storagePort, int ingestPort, int apiPort, String apiKey) {
        return start(layout, dataDir, storagePort, ingestPort, apiPort, apiKey, "127.0.0.1");
    }

    /** {@code bind}: the interface the two tiers listen on (HART_HTTP_HOST); the storage server stays on loopback. */
    static Stack start(Layout layout, Path dataDir, int storagePort, int ingestPort, int apiPort, String apiKey,
                       String bind) {
        String host = switch (bind) {
            case "127.0.0.1", "0.0.0.0", "::" -> "localhost";
            default -> bind.contains(":") ? "[" + bind + "]" : bind;
        };
        Stack stack = new Stack(LocalStorage.embeddedServer(storagePort, dataDir),
                URI.create("http://" + host + ":" + ingestPort), URI.create("http://" + host + ":" + apiPort), apiKey);
        Path logs = dataDir.resolve("logs");
        try {
            ServiceProcess storage = stack.add(ServiceProcess.start("storage", List.of(layout.java().toString(),
                    "-cp", layout.cliClasspath(), "io.hartonomous.storage.StorageMain", "serve",
                    "--port", Integer.toString(storagePort), "--data", dataDir.toString()), Map.of(), logs,
                    line -> line.startsWith("storage ready")));
            storage.awaitReady(START_TIMEOUT);
            Map<String, String> env = Map.of("HART_STORAGE_URL", stack.storage.url(), "HART_DATA", dataDir.toString(),
                    "HART_API_KEY", apiKey, "HART_HTTP_HOST", bind);
            ServiceProcess ingest = stack.add(ServiceProcess.start("ingest", List.of(layout.java().toString(),
                    "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                    "-Dquarkus.http.port=" + ingestPort, "-jar", layout.ingestApp().toString()), env, logs,
                    line -> false));
            ServiceProcess api = stack.add(ServiceProcess.start("api", List.of(layout.java().toString(),
                    "--add-modules", "jdk.incubator.vector", "-Dquarkus.http.port=" + apiPort, "-jar",
                    layout.apiApp().toString()), env, logs, line -> false));
            ingest.awaitHealthy(stack.ingestUrl.resolve("/q/health/ready"), START_TIMEOUT);
            api.awaitHealthy(stack.apiUrl.resolve("/q/health/ready"), START_TIMEOUT);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private ServiceProcess add(ServiceProcess process) {
        processes.add(process);
        return process;
    }

    StorageConfig storage() {
        return storage;
    }

    URI ingestUrl() {
        return ingestUrl;
    }

    URI apiUrl() {
        return apiUrl;
    }

    String apiKey() {
        return apiKey;
    }

    boolean allAlive() {
        return processes.stream().allMatch(ServiceProcess::isAlive);
    }

    @Override
    public void close() {
        // Stop in reverse order: the tiers before the storage they use.
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        processes.clear();
    }
}
