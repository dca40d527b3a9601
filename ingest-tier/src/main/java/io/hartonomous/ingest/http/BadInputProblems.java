package io.hartonomous.ingest.http;

import io.hartonomous.edge.problem.Problem;
import io.hartonomous.ingest.detect.BadInputException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A file that cannot be ingested because of what it contains, as a problem with the status the exception names
 * (422, 415 unsupported format, 413 over a limit). Every other error is mapped by the shared edge mappers.
 */
public final class BadInputProblems {
    @ServerExceptionMapper
    public Response badInput(BadInputException e, UriInfo uri) {
        return Problem.of(e.httpStatus(), titleOf(e.httpStatus()), e.getMessage(), Problem.instance(uri))
                .toResponse().build();
    }

    private static String titleOf(int status) {
        return switch (status) {
            case 413 -> "Too large";
            case 415 -> "Unsupported format";
            case 422 -> "Unprocessable input";
            default -> "Bad input";
        };
    }
}
