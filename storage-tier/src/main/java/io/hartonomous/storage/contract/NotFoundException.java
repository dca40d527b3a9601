package io.hartonomous.storage.contract;

/** The thing does not exist, or the tenant may not see it (the two are indistinguishable on purpose). */
public final class NotFoundException extends StorageException {
    public NotFoundException(String message) {
        super(message);
    }
}
