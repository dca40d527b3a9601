package io.hartonomous.api.security;

/** Access refused: 401 (no or bad key), 403 (missing scope) or 429 (rate limit). Never carries a cause. */
public abstract sealed class ApiAccessException extends RuntimeException
        permits ApiAccessException.Unauthenticated, ApiAccessException.Forbidden, ApiAccessException.RateLimited {

    private ApiAccessException(String message) {
        super(message, null, false, false);
    }

    public abstract int status();

    /** No key, an unknown key, or a key that expired or was revoked. */
    public static final class Unauthenticated extends ApiAccessException {
        public Unauthenticated(String message) {
            super(message);
        }

        @Override
        public int status() {
            return 401;
        }
    }

    /** A valid key without the scope the operation needs. */
    public static final class Forbidden extends ApiAccessException {
        public Forbidden(String message) {
            super(message);
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
            super(message);
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
