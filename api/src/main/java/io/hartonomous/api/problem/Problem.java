package io.hartonomous.api.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem detail ({@code application/problem+json}). {@code detail} says what was wrong in words a
 * caller can act on; {@code errorId} (server errors only) points an operator at the log line.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, String errorId) {
    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(Response.Status status, String detail, String instance) {
        return of(status.getStatusCode(), status.getReasonPhrase(), detail, instance);
    }

    public static Problem of(int status, String title, String detail, String instance) {
        return new Problem("about:blank", title, status, detail, instance, null);
    }

    public Response.ResponseBuilder toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this);
    }
}
