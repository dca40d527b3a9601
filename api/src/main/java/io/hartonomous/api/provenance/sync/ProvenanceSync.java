package io.hartonomous.api.provenance.sync;

import io.hartonomous.storage.contract.graph.GraphChange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.HealthRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The provenance sync consumer: every batch of graph changes from the {@value #CHANNEL} channel (the storage tier's
 * provenance feed through {@link ProvenanceConnector}) is written to Neo4j by {@link Neo4jProvenanceWriter}. A batch
 * that was written is acknowledged (its receiving transaction commits); one that failed is nacked (rolled back, so it
 * comes again, and MERGE makes the second write harmless). Counts {@code hart.provenance.sync.changes} by outcome
 * (synced, failed) and adds a readiness check "neo4j" when a cold tier is configured. Without one nothing is received
 * (the changes wait in the storage tier) and this says so once at start.
 */
@ApplicationScoped
public class ProvenanceSync {
    public static final String CHANNEL = "provenance-changes";
    private static final Logger LOG = Logger.getLogger(ProvenanceSync.class);

    private final Neo4jSettings settings;
    private final Counter synced;
    private final Counter failed;
    private final Driver driver;
    private final Neo4jProvenanceWriter writer;

    ProvenanceSync(Neo4jSettings settings, MeterRegistry registry, @Readiness HealthRegistry readiness) {
        this.settings = settings;
        this.synced = Counter.builder("hart.provenance.sync.changes").tag("outcome", "synced")
                .description("provenance graph changes written to Neo4j").register(registry);
        this.failed = Counter.builder("hart.provenance.sync.changes").tag("outcome", "failed")
                .description("provenance graph changes whose write to Neo4j failed (they come again)")
                .register(registry);
        if (settings.configured()) {
            Config config = Config.builder().withConnectionTimeout(5, TimeUnit.SECONDS)
                    .withMaxTransactionRetryTime(15, TimeUnit.SECONDS).build();
            this.driver = GraphDatabase.driver(settings.uri(), settings.password()
                    .map(p -> AuthTokens.basic(settings.user(), p)).orElseGet(AuthTokens::none), config);
            this.writer = new Neo4jProvenanceWriter(driver, settings.database());
            readiness.register("neo4j", this::health);
            LOG.infof("provenance sync: writing the provenance graph to Neo4j at %s", settings.uri());
        } else {
            this.driver = null;
            this.writer = null;
            LOG.info("provenance sync to Neo4j is off: hart.neo4j.uri (HART_NEO4J_URI) is not set; graph changes "
                    + "wait in the storage tier until it is");
        }
    }

    /** Created at start, so that the log line and the readiness check are there from the beginning. */
    void onStart(@Observes StartupEvent event) {
        // nothing more to do: the constructor did it
    }

    public boolean active() {
        return writer != null;
    }

    /** One batch, in the receiving transaction: returning acknowledges it, throwing nacks it. */
    @Incoming(CHANNEL)
    @Blocking
    public void apply(List<GraphChange> changes) {
        if (writer == null) {
            throw new IllegalStateException("no Neo4j configured (hart.neo4j.uri)");
        }
        try {
            writer.apply(changes);
            synced.increment(changes.size());
        } catch (RuntimeException e) {
            failed.increment(changes.size());
            throw e;
        }
    }

    private HealthCheckResponse health() {
        try {
            writer.verifyConnectivity();
            return HealthCheckResponse.named("neo4j").up().withData("uri", settings.uri()).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("neo4j").down().withData("uri", settings.uri())
                    .withData("error", String.valueOf(e.getMessage())).build();
        }
    }

    @PreDestroy
    void close() {
        if (driver != null) {
            driver.close();
        }
    }
}
