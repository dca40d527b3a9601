package io.hartonomous.api.security;

import jakarta.inject.Inject;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** Records the request's usage row as its response leaves (streamed bodies record when they end). */
public final class UsageFilter {
    @Inject
    Caller caller;

    @ServerResponseFilter
    public void meter(jakarta.ws.rs.container.ContainerResponseContext response) {
        caller.complete();
    }
}
