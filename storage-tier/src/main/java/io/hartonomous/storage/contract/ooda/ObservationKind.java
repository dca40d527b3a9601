package io.hartonomous.storage.contract.ooda;

/** What the Analyze phase looks at; the metric's unit is given per kind. */
public enum ObservationKind {
    /** An operation (H2: a contract call) or query (SQL Server: Query Store) that runs slowly; milliseconds. */
    SLOW_QUERY,
    /** A plan slower than the query's best earlier plan (SQL Server Query Store); recent average microseconds. */
    PLAN_REGRESSION,
    /** An index's fragmentation (SQL Server) or the store's unused space (H2: 100 − chunk fill rate); percent. */
    FRAGMENTATION,
    /** Statistics whose rows changed much since they were last updated; percent of rows changed. */
    STALE_STATISTICS,
    /** Messages waiting in a queue (the contract's queues, the provenance feed, Service Broker); messages. */
    QUEUE_DEPTH,
    /** Messages of a queue parked in the dead-letter table (they failed too often); messages. No action is proposed:
     * an operator retries or discards them (GET /api/admin/queues, /api/admin/dead-letters). */
    DEAD_LETTERS,
    /** An embedding type grown past the embeddings its landmarks were derived from; growth factor. */
    STALE_LANDMARKS,
    /** History rows older than the retention setting; rows. */
    HISTORY_PAST_RETENTION,
    /** A tenant's operation used heavily over the usage window; requests. */
    USAGE_HOTSPOT
}
