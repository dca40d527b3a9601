package io.hartonomous.storage.deploy;

/** A deployment failure; the message names the script, batch and line. */
public final class DeployException extends RuntimeException {
    public DeployException(String message) {
        super(message);
    }

    public DeployException(String message, Throwable cause) {
        super(message, cause);
    }
}
