package io.hartonomous.edge.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.hartonomous.edge.keys.ApiAccessException;
import io.hartonomous.edge.keys.PresentedKey;
import io.hartonomous.storage.contract.ConflictException;
import io.hartonomous.storage.contract.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.time.format.DateTimeParseException;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Every error leaves as {@code application/problem+json}: the caller's mistakes as 4xx with a detail that says what
 * to fix, everything else (a {@code StorageException} included: not the caller's fault) as a 500 with a generic
 * detail and an error id (the stack trace goes to the log only). A tier maps its own exceptions next to these.
 */
public final class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response badRequest(IllegalArgumentException e, UriInfo uri) {
        return Problem.of(Response.Status.BAD_REQUEST, e.getMessage(), path(uri)).toResponse().build();
    }

    @ServerExceptionMapper
    public Response badTimestamp(DateTimeParseException e, UriInfo uri) {
        return Problem.of(Response.Status.BAD_REQUEST, "'" + e.getParsedString()
                + "' is not an ISO-8601 timestamp (e.g. 2025-01-31T12:00:00Z)", path(uri)).toResponse().build();
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, UriInfo uri) {
        return Problem.of(Response.Status.NOT_FOUND, e.getMessage(), path(uri)).toResponse().build();
    }

    @ServerExceptionMapper
    public Response conflict(ConflictException e, UriInfo uri) {
        return Problem.of(Response.Status.CONFLICT, e.getMessage(), path(uri)).toResponse().build();
    }

    @ServerExceptionMapper
    public Response access(ApiAccessException e, UriInfo uri) {
        Response.ResponseBuilder response = Problem.of(e.status(), e.title(), e.getMessage(), path(uri)).toResponse();
        if (e instanceof ApiAccessException.Unauthenticated) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "ApiKey header=\"" + PresentedKey.HEADER + "\"");
        }
        if (e instanceof ApiAccessException.RateLimited limited) {
            response.header(HttpHeaders.RETRY_AFTER, limited.retryAfterSeconds());
        }
        return response.build();
    }

    @ServerExceptionMapper
    public Response unrecognized(UnrecognizedPropertyException e, UriInfo uri) {
        String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream().map(String::valueOf)
                .sorted().collect(Collectors.joining(", ", " (known: ", ")"));
        return bodyProblem("unknown field '" + e.getPropertyName() + "'" + known, uri);
    }

    @ServerExceptionMapper
    public Response invalidFormat(InvalidFormatException e, UriInfo uri) {
        return bodyProblem("field '" + field(e) + "' cannot be " + e.getValue() + " (expected "
                + e.getTargetType().getSimpleName() + ")", uri);
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, UriInfo uri) {
        String where = field(e);
        return bodyProblem(where.isEmpty() ? "the request body does not have the expected shape: "
                + e.getOriginalMessage() : "field '" + where + "' has the wrong type: " + e.getOriginalMessage(), uri);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        return bodyProblem("the request body is not valid JSON: " + e.getOriginalMessage(), uri);
    }

    private static Response bodyProblem(String detail, UriInfo uri) {
        return Problem.of(Response.Status.BAD_REQUEST, detail, path(uri)).toResponse().build();
    }

    private static String field(JsonMappingException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return json instanceof MismatchedInputException m ? mismatched(m, uri) : json(json, uri);
        }
        if (status >= 500) {
            return unexpected(e, uri);
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "Error";
        String detail = switch (status) {
            case 404 -> "no such resource: " + path(uri);
            case 405 -> "this resource does not support that HTTP method";
            case 406 -> "this resource cannot produce the requested media type";
            case 415 -> "unsupported media type; send application/json";
            default -> e.getMessage();
        };
        Response.ResponseBuilder response = Problem.of(status, title, detail, path(uri)).toResponse();
        if (e.getResponse().getHeaderString(HttpHeaders.ALLOW) != null) {
            response.header(HttpHeaders.ALLOW, e.getResponse().getHeaderString(HttpHeaders.ALLOW));
        }
        return response.build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        String errorId = UUID.randomUUID().toString();
        LOG.errorf(e, "request %s failed (error id %s)", path(uri), errorId);
        Problem problem = new Problem("about:blank", "Internal Server Error", 500,
                "the request could not be completed; quote error id " + errorId + " to the operator", path(uri),
                errorId);
        return problem.toResponse().build();
    }

    private static String path(UriInfo uri) {
        return Problem.instance(uri);
    }
}
