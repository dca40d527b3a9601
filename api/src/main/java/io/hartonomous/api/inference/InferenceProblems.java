package io.hartonomous.api.inference;

import io.hartonomous.edge.problem.Problem;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Running models adds one answer to the shared problem mappers: 422 for what a model cannot do. */
public final class InferenceProblems {
    @ServerExceptionMapper
    public Response unprocessable(UnprocessableException e, UriInfo uri) {
        return Problem.of(422, "Unprocessable Content", e.getMessage(), Problem.instance(uri)).toResponse().build();
    }
}
