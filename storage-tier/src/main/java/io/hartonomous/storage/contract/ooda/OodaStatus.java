package io.hartonomous.storage.contract.ooda;

/** Whether the loop runs (false after an emergency stop) and how it is set. */
public record OodaStatus(boolean running, OodaSettings settings) {
    public OodaStatus {
        if (settings == null) {
            throw new IllegalArgumentException("settings is required");
        }
    }
}
