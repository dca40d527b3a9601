package io.hartonomous.api.security;

import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.lang.reflect.Method;
import java.util.Locale;

/**
 * Binds the request's billing operation once the shared key filter has let it in (it runs right after
 * authentication), and records the usage row as the response leaves (streamed bodies record when they end).
 */
public final class UsageFilter {
    @Inject
    MeteredCaller caller;

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION + 1)
    public void begin(ContainerRequestContext request, ResourceInfo resource) {
        if (caller.isAuthenticated()) {
            caller.begin(operation(resource, request.getMethod()));
        }
    }

    @ServerResponseFilter
    public void meter(ContainerResponseContext response) {
        caller.complete(response.getMediaType() == null ? null
                : response.getMediaType().getType() + "/" + response.getMediaType().getSubtype());
    }

    private static String operation(ResourceInfo resource, String httpMethod) {
        Method method = resource.getResourceMethod();
        Metered metered = method == null ? null : method.getAnnotation(Metered.class);
        if (metered != null) {
            return metered.value();
        }
        String family = resource.getResourceClass() == null ? "api"
                : resource.getResourceClass().getSimpleName().replace("Resource", "").toLowerCase(Locale.ROOT);
        return family + "." + httpMethod.toLowerCase(Locale.ROOT);
    }
}
