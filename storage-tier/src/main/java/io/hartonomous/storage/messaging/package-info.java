/**
 * The queue transport of the storage tier, independent of any framework: {@link
 * io.hartonomous.storage.messaging.FeedPump} drives a {@link io.hartonomous.storage.contract.graph.ProvenanceFeed} (Service
 * Broker on SQL Server, a SKIP LOCKED queue table on H2) in bounded batches, holding each batch's transaction open
 * until it is acknowledged (commit) or not (rollback, so it is delivered again). The API's SmallRye Reactive
 * Messaging connector ({@code io.hartonomous.api.provenance.sync}) is a thin adapter over it; see
 * docs/decisions.md for why the CDI part lives in the API.
 */
package io.hartonomous.storage.messaging;
