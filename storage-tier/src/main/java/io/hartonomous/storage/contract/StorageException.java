package io.hartonomous.storage.contract;

/** A storage failure that is not the caller's fault (connection lost, engine error). */
public class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageException(String message) {
        super(message);
    }
}
