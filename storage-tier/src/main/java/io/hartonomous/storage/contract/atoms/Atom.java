package io.hartonomous.storage.contract.atoms;

import java.time.Instant;

/**
 * A stored atom. Leaf atoms carry their canonical value (at most 64 bytes); parent atoms (subtype {@code file})
 * carry metadata JSON instead.
 */
public record Atom(long atomId, ContentHash contentHash, AtomType type, byte[] atomicValue, String metadataJson,
                   long referenceCount, Instant createdAt) {
}
