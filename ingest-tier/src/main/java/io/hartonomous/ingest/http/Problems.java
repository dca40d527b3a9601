package io.hartonomous.ingest.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hartonomous.ingest.detect.BadInputException;
import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.NotFoundException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.jboss.logging.Logger;

/** Every error leaves as {@code application/problem+json} with a detail a person can act on; never a stack trace. */
public final class Problems {
    static final String MEDIA_TYPE = "application/problem+json";
    private static final Logger LOG = Logger.getLogger(Problems.class);

    private Problems() {
    }

    /** RFC 9457 problem details. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Problem(String type, String title, int status, String detail) {
    }

    static Response response(Response.Status status, String title, String detail) {
        return response(status.getStatusCode(), title, detail);
    }

    static Response response(int status, String title, String detail) {
        return Response.status(status).type(MEDIA_TYPE).entity(new Problem("about:blank", title, status, detail))
                .build();
    }

    private static String titleOf(int status) {
        return switch (status) {
            case 400 -> "Bad input";
            case 413 -> "Too large";
            case 415 -> "Unsupported format";
            case 422 -> "Unprocessable input";
            default -> "Bad request";
        };
    }

    @Provider
    public static final class BadInput implements ExceptionMapper<BadInputException> {
        @Override
        public Response toResponse(BadInputException e) {
            return response(e.httpStatus(), titleOf(e.httpStatus()), e.getMessage());
        }
    }

    @Provider
    public static final class InvalidArgument implements ExceptionMapper<IllegalArgumentException> {
        @Override
        public Response toResponse(IllegalArgumentException e) {
            return response(Response.Status.BAD_REQUEST, "Bad request", e.getMessage());
        }
    }

    @Provider
    public static final class Missing implements ExceptionMapper<NotFoundException> {
        @Override
        public Response toResponse(NotFoundException e) {
            return response(Response.Status.NOT_FOUND, "Not found", e.getMessage());
        }
    }

    @Provider
    public static final class Conflict implements ExceptionMapper<ConflictException> {
        @Override
        public Response toResponse(ConflictException e) {
            return response(Response.Status.CONFLICT, "Conflict", e.getMessage());
        }
    }

    @Provider
    public static final class WebError implements ExceptionMapper<jakarta.ws.rs.WebApplicationException> {
        @Override
        public Response toResponse(jakarta.ws.rs.WebApplicationException e) {
            int status = e.getResponse().getStatus();
            return response(status, Response.Status.fromStatusCode(status) == null ? "Error"
                    : Response.Status.fromStatusCode(status).getReasonPhrase(), e.getMessage());
        }
    }

    @Provider
    public static final class Unexpected implements ExceptionMapper<Exception> {
        @Override
        public Response toResponse(Exception e) {
            LOG.error("ingest failed unexpectedly", e);
            return response(Response.Status.INTERNAL_SERVER_ERROR, "Internal error",
                    "the ingest failed unexpectedly; nothing was stored (see the ingest tier's log)");
        }
    }
}
