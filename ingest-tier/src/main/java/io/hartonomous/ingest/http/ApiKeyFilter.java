package io.hartonomous.ingest.http;

import io.hartonomous.storage.contract.keys.KeyHash;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.keys.TenantApiKey;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import java.time.Instant;
import java.util.Optional;

/** Every /ingest request needs an {@code X-Api-Key} with scope {@code ingest}; keys are looked up by SHA-256. */
@Provider
public final class ApiKeyFilter implements ContainerRequestFilter {
    static final String HEADER = "X-Api-Key";

    private final StorageEngine storage;

    ApiKeyFilter(StorageEngine storage) {
        this.storage = storage;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/ingest")) {
            return;
        }
        String presented = request.getHeaderString(HEADER);
        if (presented == null || presented.isBlank()) {
            request.abortWith(Problems.response(Response.Status.UNAUTHORIZED, "Missing API key",
                    "send an API key with scope 'ingest' in the X-Api-Key header"));
            return;
        }
        Optional<TenantApiKey> key = storage.apiKeys().findByHash(KeyHash.ofKey(presented.trim()));
        if (key.isEmpty() || !key.get().usableAt(Instant.now())) {
            request.abortWith(Problems.response(Response.Status.UNAUTHORIZED, "Invalid API key",
                    "the API key is unknown, expired or revoked"));
            return;
        }
        if (!key.get().scopes().contains(Scope.INGEST)) {
            request.abortWith(Problems.response(Response.Status.FORBIDDEN, "Missing scope",
                    "this API key lacks the 'ingest' scope"));
            return;
        }
        request.setProperty(Caller.PROPERTY, new Caller(key.get()));
    }
}
