package io.hartonomous.edge.keys;

import io.hartonomous.edge.ratelimit.RateLimiter;
import io.hartonomous.storage.contract.keys.Scope;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.reflect.Method;

/**
 * Every request to a resource: resolve the {@code X-Api-Key} (401), check the scope the method needs (403), take a
 * token from the key's bucket (429 with Retry-After), then bind the {@link Caller}. Methods without
 * {@link RequiresScope} need {@code admin} (closed by default).
 */
public final class ApiKeyFilter {
    @Inject
    KeyResolver keys;
    @Inject
    RateLimiter limiter;
    @Inject
    Caller caller;

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public void authenticate(ContainerRequestContext request, ResourceInfo resource) {
        var key = keys.resolve(request.getHeaderString(PresentedKey.HEADER));
        Scope needed = requiredScope(resource);
        if (!key.scopes().contains(needed)) {
            throw new ApiAccessException.Forbidden("this operation needs the '" + needed.wireName()
                    + "' scope; the key has " + key.scopes().stream().map(Scope::wireName).sorted().toList());
        }
        limiter.acquire(key);
        caller.authenticate(key);
    }

    private static Scope requiredScope(ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        RequiresScope scope = method == null ? null : method.getAnnotation(RequiresScope.class);
        if (scope == null && resource.getResourceClass() != null) {
            scope = resource.getResourceClass().getAnnotation(RequiresScope.class);
        }
        return scope == null ? Scope.ADMIN : scope.value();
    }
}
