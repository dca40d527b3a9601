package io.hartonomous.storage.contract.vectors;

import java.time.Instant;

/**
 * An embedding of an atom. {@code vector} holds the true {@code dimension} values (engines zero-pad to 1998 when
 * storing). {@code tenantId} is null for built-in embeddings computed at ingest (visible wherever the atom is) and
 * set for client-supplied ones (visible to that tenant only). {@code projection} is the 2-D spatial key.
 */
public record AtomEmbedding(long atomId, String embeddingType, int dimension, float[] vector, String tenantId,
                            double projectionX, double projectionY, Instant createdAt) {
}
