package io.hartonomous.storage.contract;

/** The request contradicts the stored state (e.g. a chunk out of order, a job already finished). */
public final class ConflictException extends StorageException {
    public ConflictException(String message) {
        super(message);
    }
}
