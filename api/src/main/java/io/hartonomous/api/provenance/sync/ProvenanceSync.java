package io.hartonomous.api.provenance.sync;

import io.hartonomous.api.config.ApiConfig;
import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.graph.ProvenanceFeed;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.HealthRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.QueryConfig;
import org.neo4j.driver.Record;
import org.neo4j.driver.RoutingControl;
import org.neo4j.driver.exceptions.AuthenticationException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;
import org.neo4j.driver.exceptions.TransientException;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The provenance sync consumer: every batch of graph changes from the {@value #CHANNEL} channel (the storage tier's
 * provenance feed through {@link ProvenanceConnector}) is written to Neo4j by {@link Neo4jProvenanceWriter}. A batch
 * that was written is acknowledged (its receiving transaction commits); one that failed is nacked (rolled back, so it
 * comes again, and MERGE makes the second write harmless). Counts {@code hart.provenance.sync.changes} by outcome
 * (synced, failed) and adds a readiness check "neo4j" when a cold tier is configured. A {@link CircuitBreaker}
 * (hart.neo4j.circuit.failure-threshold, default 5; hart.neo4j.circuit.cool-down, default 30s) stops writing while
 * Neo4j is unreachable; its state is in the check's data and in the gauge {@code hart.provenance.sync.circuit.state}. Without one nothing is received
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
    private final CircuitBreaker breaker;

    ProvenanceSync(Neo4jSettings settings, ApiConfig config, MeterRegistry registry,
                   @Readiness HealthRegistry readiness) {
        this.settings = settings;
        this.synced = Counter.builder("hart.provenance.sync.changes").tag("outcome", "synced")
                .description("provenance graph changes written to Neo4j").register(registry);
        this.failed = Counter.builder("hart.provenance.sync.changes").tag("outcome", "failed")
                .description("provenance graph changes whose write to Neo4j failed (they come again)")
                .register(registry);
        ApiConfig.Circuit circuit = config.neo4j().circuit();
        this.breaker = new CircuitBreaker(circuit.failureThreshold(), circuit.coolDown(), Clock.systemUTC());
        Gauge.builder("hart.provenance.sync.circuit.state", breaker, b -> b.state().ordinal())
                .description("the Neo4j writer's circuit breaker: 0 closed, 1 half-open (probing), 2 open")
                .register(registry);
        FunctionCounter.builder("hart.provenance.sync.circuit.opened", breaker, CircuitBreaker::timesOpened)
                .description("how often the Neo4j writer's circuit breaker opened").register(registry);
        if (settings.configured()) {
            Config driverConfig = Config.builder().withConnectionTimeout(5, TimeUnit.SECONDS)
                    .withMaxTransactionRetryTime(15, TimeUnit.SECONDS).build();
            this.driver = GraphDatabase.driver(settings.uri(), settings.password()
                    .map(p -> AuthTokens.basic(settings.user(), p)).orElseGet(AuthTokens::none), driverConfig);
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

    /**
     * The rows of a read-only Cypher query against the cold tier (GET /api/inference/{id}/explain?source=neo4j), as
     * maps of plain values; ServiceUnavailableException when no Neo4j is configured.
     */
    public List<Map<String, Object>> read(String cypher, Map<String, Object> parameters) {
        if (driver == null) {
            throw new jakarta.ws.rs.ServiceUnavailableException("no Neo4j is configured (hart.neo4j.uri)");
        }
        QueryConfig.Builder config = QueryConfig.builder().withRouting(RoutingControl.READ);
        if (settings.database() != null && !settings.database().isBlank()) {
            config.withDatabase(settings.database());
        }
        return driver.executableQuery(cypher).withParameters(parameters).withConfig(config.build()).execute()
                .records().stream().map(Record::asMap).toList();
    }

    /**
     * One batch, in the receiving transaction: returning acknowledges it, throwing nacks it. While the breaker is
     * open nothing is sent to Neo4j: the batch is nacked at once as {@link ProvenanceFeed.Unavailable}, so its
     * changes stay in the feed uncharged. A failure to reach Neo4j counts against the breaker and is nacked the same
     * way; any other failure (Neo4j answered, but refused the batch) is the changes' fault, so the feed charges them
     * and in the end dead-letters the one that keeps failing.
     */
    @Incoming(CHANNEL)
    @Blocking
    public void apply(List<GraphChange> changes) {
        if (writer == null) {
            throw new ProvenanceFeed.Unavailable("no Neo4j configured (hart.neo4j.uri)", null);
        }
        if (!breaker.tryAcquire()) {
            throw new ProvenanceFeed.Unavailable("the Neo4j circuit breaker is open since " + breaker.openedAt()
                    + " (last error: " + breaker.lastError() + ")", null);
        }
        try {
            writer.apply(changes);
            breaker.onSuccess();
            synced.increment(changes.size());
        } catch (RuntimeException e) {
            failed.increment(changes.size());
            if (unreachable(e)) {
                breaker.onFailure(e.getClass().getSimpleName() + ": " + e.getMessage());
                throw new ProvenanceFeed.Unavailable("Neo4j is unreachable: " + e.getMessage(), e);
            }
            breaker.onSuccess();
            throw e;
        }
    }

    /** Failures of Neo4j itself (down, restarting, credentials), not of the changes. */
    static boolean unreachable(Throwable e) {
        return e instanceof ServiceUnavailableException || e instanceof SessionExpiredException
                || e instanceof TransientException || e instanceof AuthenticationException;
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    /**
     * UP whenever a Neo4j is configured, with the breaker's state in the data: the cold tier is optional for what
     * the API serves (queries go to the storage tier; changes wait in the feed while Neo4j is away), so an outage of
     * it must not take the API out of a load balancer's rotation. Operators alert on {@code circuit} (or the gauge).
     */
    private HealthCheckResponse health() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("neo4j").up().withData("uri", settings.uri())
                .withData("circuit", breaker.state().name())
                .withData("consecutiveFailures", breaker.consecutiveFailures())
                .withData("timesOpened", breaker.timesOpened());
        if (breaker.openedAt() != null) {
            b.withData("openedAt", breaker.openedAt().toString());
        }
        if (breaker.lastError() != null) {
            b.withData("lastError", breaker.lastError());
        }
        return b.build();
    }

    @PreDestroy
    void close() {
        if (driver != null) {
            driver.close();
        }
    }
}
