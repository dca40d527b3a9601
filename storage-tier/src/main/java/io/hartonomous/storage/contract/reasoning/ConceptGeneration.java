package io.hartonomous.storage.contract.reasoning;

import io.hartonomous.storage.contract.vectors.Metric;

import java.time.Instant;

/**
 * One discover run's result for a tenant and embedding type: generation {@code generation} (1, 2, ... per type),
 * its inference record, the parameters, how many concepts and noise points, and when it was made (the concepts
 * "as of" a time are those of the last generation made at or before it).
 */
public record ConceptGeneration(long generationId, String embeddingType, int generation, long inferenceId,
                                Metric metric, double eps, int minPts, int concepts, int noise, Instant createdAt) {
}
