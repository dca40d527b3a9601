package io.hartonomous.api.provenance.sync;

import io.hartonomous.edge.storage.Writes;
import io.hartonomous.storage.contract.graph.GraphChange;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.messaging.FeedBatch;
import io.hartonomous.storage.messaging.FeedPump;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import io.smallrye.reactive.messaging.connector.InboundConnector;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The incoming SmallRye Reactive Messaging connector {@value #NAME}: the storage tier's provenance feed (through the
 * read-write engine: receiving is a write) as a stream of messages, one per batch of graph changes. A
 * {@link FeedPump} polls the feed in bounded batches and backs off when it fails; each message's ack commits its
 * batch, its nack rolls it back (delivered again). Channel attributes, all optional: {@code batch-size} (100),
 * {@code receive-wait} (5s: how long one receive waits, so the polling pace of an empty feed), {@code ack-timeout}
 * (60s), {@code initial-backoff} (1s) and {@code max-backoff} (1m); durations as {@code 250ms}, {@code 5s},
 * {@code 1m} or ISO-8601. The feed is polled only while a Neo4j is configured: otherwise the stream stays empty and
 * the changes wait in the storage tier.
 */
@ApplicationScoped
@Connector(ProvenanceConnector.NAME)
public class ProvenanceConnector implements InboundConnector {
    public static final String NAME = "hart-provenance";

    private final StorageEngine storage;
    private final Neo4jSettings neo4j;
    private final List<FeedPump> pumps = new CopyOnWriteArrayList<>();

    ProvenanceConnector(@Writes StorageEngine storage, Neo4jSettings neo4j) {
        this.storage = storage;
        this.neo4j = neo4j;
    }

    @Override
    public Flow.Publisher<? extends Message<?>> getPublisher(Config config) {
        if (!neo4j.configured()) {
            return Multi.createFrom().<Message<List<GraphChange>>>nothing();
        }
        String channel = config.getOptionalValue("channel-name", String.class).orElse(ProvenanceSync.CHANNEL);
        FeedPump.Settings defaults = FeedPump.Settings.DEFAULTS;
        FeedPump.Settings settings = new FeedPump.Settings(
                config.getOptionalValue("batch-size", Integer.class).orElse(defaults.batchSize()),
                duration(config, "receive-wait", defaults.receiveWait()),
                duration(config, "ack-timeout", defaults.ackTimeout()),
                duration(config, "initial-backoff", defaults.initialBackoff()),
                duration(config, "max-backoff", defaults.maxBackoff()));
        return Multi.createFrom().<Message<List<GraphChange>>>emitter(emitter -> {
            FeedPump pump = new FeedPump(storage.provenanceFeed(), settings,
                    batch -> emitter.emit(message(batch)), "hart-provenance-" + channel);
            pumps.add(pump);
            emitter.onTermination(() -> {
                pump.close();
                pumps.remove(pump);
            });
            pump.start();
        }, BackPressureStrategy.BUFFER);
    }

    private static Message<List<GraphChange>> message(FeedBatch batch) {
        return Message.of(batch.changes(), batch::ack, batch::nack);
    }

    /** Stops receiving before the storage engine closes; a batch in flight is rolled back. */
    void onStop(@Observes ShutdownEvent event) {
        pumps.forEach(FeedPump::close);
        pumps.clear();
    }

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    static Duration duration(Config config, String attribute, Duration fallback) {
        return config.getOptionalValue(attribute, String.class).map(v -> parse(attribute, v)).orElse(fallback);
    }

    static Duration parse(String attribute, String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(NAME + " attribute " + attribute + ": '" + value
                    + "' is not a duration (250ms, 5s, 1m, 1h or ISO-8601 such as PT5S)", e);
        }
    }
}
