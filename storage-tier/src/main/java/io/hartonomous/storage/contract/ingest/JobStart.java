package io.hartonomous.storage.contract.ingest;

import io.hartonomous.storage.contract.atoms.Atom;

/**
 * Result of starting a job. {@code deduplicated}: the file was already fully ingested, so {@code job} is a completed
 * job pointing at the existing parent atom and nothing is to be written. {@code inProgress}: another job is still
 * ingesting the same file; {@code job} is that job.
 */
public record JobStart(IngestionJob job, Atom parent, boolean deduplicated, boolean inProgress) {
}
