package io.hartonomous.api.admin;

import io.hartonomous.edge.keys.ApiAccessException;
import io.hartonomous.api.config.ApiConfig;
import io.hartonomous.api.security.MeteredCaller;
import io.hartonomous.api.security.Operator;
import io.hartonomous.edge.config.EdgeConfig;
import io.hartonomous.edge.keys.KeyResolver;
import io.hartonomous.api.security.Metered;
import io.hartonomous.edge.keys.RequiresScope;
import io.hartonomous.edge.storage.Writes;
import io.hartonomous.api.support.Params;
import io.hartonomous.storage.local.BootstrapKeys;
import io.hartonomous.storage.contract.keys.KeyHash;
import io.hartonomous.storage.contract.keys.NewApiKey;
import io.hartonomous.storage.contract.NotFoundException;
import io.hartonomous.storage.contract.keys.Scope;
import io.hartonomous.storage.contract.StorageEngine;
import io.hartonomous.storage.contract.keys.TenantApiKey;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * API keys. A key is shown once, when it is created; only its SHA-256 is stored. Admin keys of the bootstrap tenant
 * manage every tenant's keys; admin keys of any other tenant only their own tenant's.
 */
@Path("/api/admin/keys")
@Tag(name = "admin")
@RequiresScope(Scope.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class AdminKeysResource {
    @Inject
    MeteredCaller caller;
    @Inject
    @Writes
    StorageEngine storage;
    @Inject
    KeyResolver resolver;
    @Inject
    EdgeConfig edge;
    @Inject
    Operator operator;
    @Inject
    ApiConfig config;

    /** {@code tenant} and {@code scopes} are required; {@code expiresAt} ISO-8601, optional. */
    public record NewKeyBody(String tenant, List<String> scopes, String expiresAt, String name,
                             Integer rateLimitPerMinute) {
    }

    public record KeyView(long keyId, String tenant, String name, List<String> scopes, int rateLimitPerMinute,
                          Instant expiresAt, Instant revokedAt, Instant createdAt) {
        static KeyView of(TenantApiKey k) {
            return new KeyView(k.keyId(), k.tenantId(), k.name(), scopeNames(k.scopes()), k.rateLimitPerMinute(),
                    k.expiresAt(), k.revokedAt(), k.createdAt());
        }
    }

    /** The one response that carries the key itself. */
    public record CreatedKey(long keyId, String key, String tenant, String name, List<String> scopes,
                             int rateLimitPerMinute, Instant expiresAt, Instant createdAt) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Metered("admin.keys.create")
    @Operation(summary = "Create an API key; the response is the only time the key is shown")
    public Response create(NewKeyBody body) {
        if (body == null) {
            throw new IllegalArgumentException("a JSON body {tenant, scopes, expiresAt?} is required");
        }
        if (body.tenant() == null || body.tenant().isBlank()) {
            throw new IllegalArgumentException("tenant is required");
        }
        requireManageable(body.tenant());
        if (body.scopes() == null || body.scopes().isEmpty()) {
            throw new IllegalArgumentException("scopes is required: a non-empty list of ingest, query, admin");
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : body.scopes()) {
            if (s == null) {
                throw new IllegalArgumentException("scopes may not contain null");
            }
            scopes.add(Scope.parse(s));
        }
        Instant expiresAt = Params.instant("expiresAt", body.expiresAt());
        if (expiresAt != null && !expiresAt.isAfter(Instant.now())) {
            throw new IllegalArgumentException("expiresAt " + expiresAt + " is not in the future");
        }
        int rate = body.rateLimitPerMinute() == null ? config.api().defaultRateLimit() : body.rateLimitPerMinute();
        if (rate < 1 || rate > 10_000_000) {
            throw new IllegalArgumentException("rateLimitPerMinute must be between 1 and 10000000, got " + rate);
        }
        String name = body.name();
        if (name != null && name.length() > 128) {
            throw new IllegalArgumentException("name is at most 128 characters");
        }
        String key = BootstrapKeys.generate();
        TenantApiKey created = storage.apiKeys().create(new NewApiKey(body.tenant(), name, KeyHash.ofKey(key), scopes,
                rate, expiresAt));
        caller.units(1);
        return Response.created(URI.create("/api/admin/keys/" + created.keyId()))
                .entity(new CreatedKey(created.keyId(), key, created.tenantId(), created.name(),
                        scopeNames(created.scopes()), created.rateLimitPerMinute(), created.expiresAt(),
                        created.createdAt()))
                .build();
    }

    @GET
    @Metered("admin.keys.list")
    @Operation(summary = "List API keys (never the keys themselves)")
    public List<KeyView> list() {
        List<KeyView> keys = storage.apiKeys().list().stream().filter(k -> manageable(k.tenantId()))
                .map(KeyView::of).toList();
        caller.units(keys.size());
        return keys;
    }

    @DELETE
    @Path("/{id}")
    @Metered("admin.keys.revoke")
    @Operation(summary = "Revoke an API key")
    public Response revoke(@PathParam("id") String idText) {
        long id = Params.id("key id", idText);
        TenantApiKey key = storage.apiKeys().list().stream().filter(k -> k.keyId() == id).findFirst()
                .filter(k -> manageable(k.tenantId()))
                .orElseThrow(() -> new NotFoundException("API key " + id + " not found"));
        if (!storage.apiKeys().revoke(key.keyId())) {
            throw new NotFoundException("API key " + id + " is already revoked");
        }
        resolver.evict(id);
        caller.units(1);
        return Response.noContent().build();
    }

    private boolean manageable(String tenant) {
        return operator.isCaller() || caller.tenant().equals(tenant);
    }

    private void requireManageable(String tenant) {
        if (!manageable(tenant)) {
            throw new ApiAccessException.Forbidden("an admin key of tenant '" + caller.tenant()
                    + "' manages only that tenant's keys");
        }
    }

    static List<String> scopeNames(Set<Scope> scopes) {
        return scopes.stream().map(Scope::wireName).sorted().toList();
    }
}
