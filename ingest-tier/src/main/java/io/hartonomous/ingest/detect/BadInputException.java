package io.hartonomous.ingest.detect;

/**
 * The uploaded file cannot be ingested because of what it contains. {@link #httpStatus()} is the status the HTTP layer
 * answers with (problem+json, {@link #getMessage()} as the detail): 422 for malformed or inconsistent content; the
 * subclasses narrow it to 415 (format not supported) and 413 (a configured limit exceeded).
 */
public class BadInputException extends RuntimeException {
    public BadInputException(String detail) {
        super(detail);
    }

    public BadInputException(String detail, Throwable cause) {
        super(detail, cause);
    }

    public int httpStatus() {
        return 422;
    }
}
