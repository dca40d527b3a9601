package io.hartonomous.storage;

import io.hartonomous.storage.local.LocalStorage;
import io.hartonomous.storage.contract.StorageConfig;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.StorageEngines;
import io.hartonomous.storage.deploy.DeployException;
import io.hartonomous.storage.deploy.DeployPlan;
import io.hartonomous.storage.deploy.Dialect;
import io.hartonomous.storage.deploy.SchemaDeployer;
import io.hartonomous.storage.deploy.SchemaScript;
import io.hartonomous.storage.deploy.ScriptSource;
import io.hartonomous.storage.engine.embedded.EmbeddedEngine;
import io.hartonomous.storage.local.OodaSchedule;
import org.h2.tools.Server;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The storage tier's own command line: the schema deployer and the embedded engine's server. */
@Command(name = "hart-storage", mixinStandardHelpOptions = true,
        subcommands = {StorageMain.DeploySchema.class, StorageMain.Serve.class, StorageMain.RebuildProjection.class},
        description = "Hartonomous storage tier: deploy the schema, serve the embedded engine, rebuild a projection.")
public final class StorageMain {

    public static void main(String[] args) {
        System.exit(new CommandLine(new StorageMain()).execute(args));
    }

    @Command(name = "deploy-schema", mixinStandardHelpOptions = true,
            description = "Apply sql/ (SQL Server 2025) or the embedded scripts (H2) in order, recording checksums.")
    static final class DeploySchema implements Callable<Integer> {
        @Option(names = "--url", required = true, description = "JDBC URL: jdbc:sqlserver://... or jdbc:h2:...")
        String url;

        @Option(names = "--user", description = "Login (default: none, for integrated or URL-embedded auth)")
        String user;

        @Option(names = "--password-env", description = "Name of the environment variable holding the password")
        String passwordEnv;

        @Option(names = "--scripts", description = "Folder of NNN_name.sql scripts (default: the packaged ones)")
        Path scripts;

        @Option(names = "--dry-run", description = "Print the plan and change nothing")
        boolean dryRun;

        @Override
        public Integer call() {
            Dialect dialect = Dialect.forUrl(url);
            List<SchemaScript> source = scripts != null ? ScriptSource.fromDirectory(scripts)
                    : ScriptSource.fromClasspath(dialect == Dialect.H2 ? "embedded" : "sql");
            String password = null;
            if (passwordEnv != null) {
                password = System.getenv(passwordEnv);
                if (password == null) {
                    System.err.println("deploy-schema: environment variable " + passwordEnv + " is not set");
                    return 2;
                }
            }
            SchemaDeployer deployer = new SchemaDeployer(dialect);
            try (Connection connection = DriverManager.getConnection(url, user, password)) {
                DeployPlan plan = dryRun ? deployer.plan(connection, source) : deployer.deploy(connection, source);
                System.out.println((dryRun ? "plan (dry run, nothing changed):" : "deployed:"));
                System.out.println(plan.describe());
                return 0;
            } catch (SQLException e) {
                System.err.println("deploy-schema: cannot connect to " + url + ": " + e.getMessage());
                return 1;
            } catch (DeployException e) {
                System.err.println("deploy-schema: " + e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Run the embedded engine as its own process (H2 TCP server, loopback only).")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "9092", description = "TCP port (default ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--data", description = "Data folder (default: $HART_DATA or ./data)")
        Path data;

        @Option(names = "--ooda-interval", defaultValue = "${env:HART_OODA_INTERVAL_SECONDS:-3600}",
                description = "Seconds between OODA cycles; 0 runs none on a timer (default ${DEFAULT-VALUE})")
        long oodaIntervalSeconds;

        @Override
        public Integer call() throws Exception {
            if (oodaIntervalSeconds < 0) {
                System.err.println("serve: --ooda-interval must be 0 or more seconds, got " + oodaIntervalSeconds);
                return 2;
            }
            Path dataDir = data != null ? data : Path.of(System.getenv().getOrDefault("HART_DATA", "data"));
            Files.createDirectories(dataDir);
            // Loopback only (no -tcpAllowOthers): the tiers on this host share it, nothing else reaches it. H2 binds
            // its socket to h2.bindAddress (read when H2 first loads, so set before any H2 class), else to every
            // interface; -Dh2.bindAddress=... on the command line still wins.
            if (System.getProperty("h2.bindAddress") == null) {
                System.setProperty("h2.bindAddress", "127.0.0.1");
            }
            Server server = Server.createTcpServer("-tcpPort", Integer.toString(port), "-ifNotExists").start();
            StorageConfig config = LocalStorage.embeddedServer(server.getPort(), dataDir);
            // This process holds the database open (DB_CLOSE_DELAY=-1) with a page cache of a quarter of its own heap
            // (H2's default is 16 MB); the tiers' connections leave both as they are.
            StorageConfig own = new StorageConfig(config.url() + ";DB_CLOSE_DELAY=-1;CACHE_SIZE="
                    + EmbeddedEngine.cacheKilobytes(), config.user(), config.password(), 1, false);
            // This process keeps one engine open for the OODA loop (one connection); the emergency stop is in the
            // database, so the schedule halts and resumes with it.
            StorageEngine engine = StorageEngines.open(own);
            System.out.println("storage ready " + config.url() + " tables=" + engine.rowCounts().size());
            OodaSchedule ooda = oodaIntervalSeconds == 0 ? null
                    : OodaSchedule.start(engine.ooda(), Duration.ofSeconds(oodaIntervalSeconds), System.out::println);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                if (ooda != null) {
                    ooda.close();
                }
                engine.close();
                server.stop();
                stopped.countDown();
            }, "storage-shutdown"));
            stopped.await();
            return 0;
        }
    }

    /**
     * Re-derives an embedding type's landmarks from its embeddings and re-projects them (VectorStore.rebuildProjection):
     * run after a type's first bulk load and when it has grown a lot. Needs {@code --add-modules jdk.incubator.vector}.
     */
    @Command(name = "rebuild-projection", mixinStandardHelpOptions = true,
            description = "Derive an embedding type's hybrid-search landmarks from its embeddings and re-project them.")
    static final class RebuildProjection implements Callable<Integer> {
        @Option(names = "--url", required = true, description = "JDBC URL of the storage tier")
        String url;

        @Option(names = "--user", defaultValue = LocalStorage.DEFAULT_USER)
        String user;

        @Option(names = "--type", required = true, description = "The embedding type")
        String type;

        @Override
        public Integer call() {
            String password = System.getenv().getOrDefault("HART_STORAGE_PASSWORD", "");
            long t0 = System.nanoTime();
            try (StorageEngine engine = StorageEngines.open(new StorageConfig(url, user, password, 2, false))) {
                var rebuild = engine.forTenant("system").vectors().rebuildProjection(type);
                System.out.printf(java.util.Locale.ROOT, "rebuilt %s: generation %d, %d landmarks from %d embeddings, "
                        + "%d re-projected in %.1f s%n", rebuild.embeddingType(), rebuild.generation(),
                        rebuild.landmarks(), rebuild.trainedOn(), rebuild.reprojected(), (System.nanoTime() - t0) / 1e9);
                return 0;
            }
        }
    }
}
