package io.hartonomous.api.provenance.sync;

import io.hartonomous.api.config.ApiConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/**
 * Where the cold tier is: {@code hart.neo4j.uri} ({@code HART_NEO4J_URI}, e.g. {@code bolt://127.0.0.1:7687}),
 * {@code hart.neo4j.user} / {@code hart.neo4j.password} ({@code HART_NEO4J_USER}, {@code HART_NEO4J_PASSWORD}) and
 * optionally {@code hart.neo4j.database}. Without a URI the provenance sync is off.
 */
@ApplicationScoped
public class Neo4jSettings {
    private final Optional<String> uri;
    private final String user;
    private final Optional<String> password;
    private final Optional<String> database;

    Neo4jSettings(ApiConfig config) {
        ApiConfig.Neo4j neo4j = config.neo4j();
        this.uri = neo4j.uri().map(String::strip).filter(u -> !u.isEmpty());
        this.user = neo4j.user();
        this.password = neo4j.password().filter(p -> !p.isEmpty());
        this.database = neo4j.database().map(String::strip).filter(d -> !d.isEmpty());
    }

    public boolean configured() {
        return uri.isPresent();
    }

    public String uri() {
        return uri.orElseThrow(() -> new IllegalStateException("hart.neo4j.uri is not set"));
    }

    public String user() {
        return user;
    }

    /** Empty: connect without authentication (a server with auth disabled, as in the tests). */
    public Optional<String> password() {
        return password;
    }

    public String database() {
        return database.orElse(null);
    }
}
