package io.hartonomous.storage.contract.models;

import java.time.Instant;

/** A model file that was atomized: its parent atom and its tensor table. */
public record Model(long modelId, long parentAtomId, String name, String format, int tensorCount,
                    long parameterCount, String metadataJson, Instant createdAt) {
}
