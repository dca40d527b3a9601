package io.hartonomous.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** Runs storage, ingest tier and API until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the embedded storage (H2 TCP), the ingest tier and the API until Ctrl-C.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--storage-port", defaultValue = "9092")
    int storagePort;

    @Option(names = "--ingest-port", defaultValue = "8081")
    int ingestPort;

    @Option(names = "--api-port", defaultValue = "8080")
    int apiPort;

    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "Interface the ingest tier and the API listen on (default ${DEFAULT-VALUE}; 0.0.0.0: all)")
    String bind;

    @Override
    public Integer call() {
        Layout layout = Layout.current();
        String key = ConsoleKey.bootstrap(layout.dataDir());
        try (Stack stack = Stack.start(layout, layout.dataDir(), storagePort, ingestPort, apiPort, key, bind)) {
            System.out.println("storage  " + stack.storage().url());
            System.out.println("ingest   " + stack.ingestUrl() + "/ingest/{image|audio|model}");
            System.out.println("api      " + stack.apiUrl() + "/api   (Swagger UI: " + stack.apiUrl() + "/q/swagger-ui)");
            System.out.println("api key  in " + layout.dataDir().resolve("api-key") + " (header X-Api-Key)");
            System.out.println("logs     " + layout.dataDir().resolve("logs") + "   -- Ctrl-C stops all three");
            java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopping.set(true);
                System.err.println("stopping the API, the ingest tier and the storage ...");
                stack.close();
            }, "serve-shutdown"));
            while (stack.allAlive() && !stopping.get()) {
                ServiceProcess.sleep(500);
            }
            if (stopping.get()) {
                return 0;
            }
            System.err.println("a process exited; stopping the others (see the logs in "
                    + layout.dataDir().resolve("logs") + ")");
            return 1;
        }
    }
}
