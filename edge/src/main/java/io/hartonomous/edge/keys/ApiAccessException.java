package io.hartonomous.edge.keys;

/**
 * Access refused: 401 (no or bad key), 403 (missing scope) or 429 (rate limit), with the problem's title and detail.
 * Never carries a cause.
 */
public abstract sealed class ApiAccessException extends RuntimeException
        permits ApiAccessException.Unauthenticated, ApiAccessException.Forbidden, ApiAccessException.RateLimited {
    private final String title;

    private ApiAccessException(String title, String message) {
        super(message, null, false, false);
        this.title = title;
    }

    public abstract int status();

    public String title() {
        return title;
    }

    /** No key, an unknown key, or a key that expired or was revoked. */
    public static final class Unauthenticated extends ApiAccessException {
        private Unauthenticated(String title, String message) {
            super(title, message);
        }

        /** No key was presented. */
        public static Unauthenticated missing(String message) {
            return new Unauthenticated("Missing API key", message);
        }

        /** A key was presented but is unknown, too long, expired or revoked. */
        public static Unauthenticated invalid(String message) {
            return new Unauthenticated("Invalid API key", message);
        }

        @Override
        public int status() {
            return 401;
        }
    }

    /** A valid key without the scope (or the tenant) the operation needs. */
    public static final class Forbidden extends ApiAccessException {
        public Forbidden(String message) {
            super("Forbidden", message);
        }

        @Override
        public int status() {
            return 403;
        }
    }

    /** The key used up its requests per minute; {@code retryAfterSeconds} until the next one is allowed. */
    public static final class RateLimited extends ApiAccessException {
        private final long retryAfterSeconds;

        public RateLimited(String message, long retryAfterSeconds) {
            super("Too Many Requests", message);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }

        @Override
        public int status() {
            return 429;
        }
    }
}
