-- Service Broker objects. Two conversations run through the database:
--   * the OODA loop, Analyze -> Hypothesize -> Act -> Learn: each phase is a service whose queue is activated by
--     its procedure (ops.sp_Analyze, ops.sp_Hypothesize, ops.sp_Act, ops.sp_Learn; activation is switched on in
--     090_broker_activation.sql, once the procedures exist). Message bodies are JSON ({"cycleId": "..."}); the
--     phases exchange their findings through ops.ImprovementHistory and ops.OodaActions.
--   * provenance sync: every new graph node or edge sends a GraphChange message that the Java side consumes with
--     WAITFOR (RECEIVE ...) through provenance.sp_ReceiveProvenanceSync and writes to Neo4j (the cold tier).
-- Bodies are JSON, so message types validate nothing (VALIDATION = NONE).

IF NOT EXISTS (SELECT 1 FROM sys.service_message_types WHERE name = N'//hartonomous/ooda/Cycle')
    CREATE MESSAGE TYPE [//hartonomous/ooda/Cycle] VALIDATION = NONE;
GO
IF NOT EXISTS (SELECT 1 FROM sys.service_message_types WHERE name = N'//hartonomous/ooda/Observed')
    CREATE MESSAGE TYPE [//hartonomous/ooda/Observed] VALIDATION = NONE;
GO
IF NOT EXISTS (SELECT 1 FROM sys.service_message_types WHERE name = N'//hartonomous/ooda/Proposed')
    CREATE MESSAGE TYPE [//hartonomous/ooda/Proposed] VALIDATION = NONE;
GO
IF NOT EXISTS (SELECT 1 FROM sys.service_message_types WHERE name = N'//hartonomous/ooda/Acted')
    CREATE MESSAGE TYPE [//hartonomous/ooda/Acted] VALIDATION = NONE;
GO

IF NOT EXISTS (SELECT 1 FROM sys.service_contracts WHERE name = N'//hartonomous/ooda/Contract')
    CREATE CONTRACT [//hartonomous/ooda/Contract] (
        [//hartonomous/ooda/Cycle] SENT BY INITIATOR,
        [//hartonomous/ooda/Observed] SENT BY INITIATOR,
        [//hartonomous/ooda/Proposed] SENT BY INITIATOR,
        [//hartonomous/ooda/Acted] SENT BY INITIATOR
    );
GO

-- Queues start without activation; 090_broker_activation.sql attaches the procedures.
IF OBJECT_ID(N'ops.OodaAnalyzeQueue', N'SQ') IS NULL
    CREATE QUEUE ops.OodaAnalyzeQueue WITH STATUS = ON, RETENTION = OFF, POISON_MESSAGE_HANDLING (STATUS = ON);
GO
IF OBJECT_ID(N'ops.OodaHypothesizeQueue', N'SQ') IS NULL
    CREATE QUEUE ops.OodaHypothesizeQueue WITH STATUS = ON, RETENTION = OFF, POISON_MESSAGE_HANDLING (STATUS = ON);
GO
IF OBJECT_ID(N'ops.OodaActQueue', N'SQ') IS NULL
    CREATE QUEUE ops.OodaActQueue WITH STATUS = ON, RETENTION = OFF, POISON_MESSAGE_HANDLING (STATUS = ON);
GO
IF OBJECT_ID(N'ops.OodaLearnQueue', N'SQ') IS NULL
    CREATE QUEUE ops.OodaLearnQueue WITH STATUS = ON, RETENTION = OFF, POISON_MESSAGE_HANDLING (STATUS = ON);
GO
-- The initiator side: end-of-dialog acknowledgements and the cycle timer arrive here.
IF OBJECT_ID(N'ops.OodaInitiatorQueue', N'SQ') IS NULL
    CREATE QUEUE ops.OodaInitiatorQueue WITH STATUS = ON, RETENTION = OFF, POISON_MESSAGE_HANDLING (STATUS = ON);
GO

IF NOT EXISTS (SELECT 1 FROM sys.services WHERE name = N'//hartonomous/ooda/Analyze')
    CREATE SERVICE [//hartonomous/ooda/Analyze] ON QUEUE ops.OodaAnalyzeQueue ([//hartonomous/ooda/Contract]);
GO
IF NOT EXISTS (SELECT 1 FROM sys.services WHERE name = N'//hartonomous/ooda/Hypothesize')
    CREATE SERVICE [//hartonomous/ooda/Hypothesize] ON QUEUE ops.OodaHypothesizeQueue ([//hartonomous/ooda/Contract]);
GO
IF NOT EXISTS (SELECT 1 FROM sys.services WHERE name = N'//hartonomous/ooda/Act')
    CREATE SERVICE [//hartonomous/ooda/Act] ON QUEUE ops.OodaActQueue ([//hartonomous/ooda/Contract]);
GO
IF NOT EXISTS (SELECT 1 FROM sys.services WHERE name = N'//hartonomous/ooda/Learn')
    CREATE SERVICE [//hartonomous/ooda/Learn] ON QUEUE ops.OodaLearnQueue ([//hartonomous/ooda/Contract]);
GO
IF NOT EXISTS (SELECT 1 FROM sys.services WHERE name = N'//hartonomous/ooda/Initiator')
    CREATE SERVICE [//hartonomous/ooda/Initiator] ON QUEUE ops.OodaInitiatorQueue;
GO

IF NOT EXISTS (SELECT 1 FROM sys.service_message_types WHERE name = N'//hartonomous/provenance/GraphChange')
    CREATE MESSAGE TYPE [//hartonomous/provenance/GraphChange] VALIDATION = NONE;
GO

IF NOT EXISTS (SELECT 1 FROM sys.service_contracts WHERE name = N'//hartonomous/provenance/SyncContract')
    CREATE CONTRACT [//hartonomous/provenance/SyncContract] (
        [//hartonomous/provenance/GraphChange] SENT BY INITIATOR
    );
GO

-- Consumed by the Java provenance sync (no activation: the consumer waits on it with WAITFOR (RECEIVE ...)).
IF OBJECT_ID(N'provenance.ProvenanceSyncQueue', N'SQ') IS NULL
    CREATE QUEUE provenance.ProvenanceSyncQueue WITH STATUS = ON, RETENTION = OFF, POISON_MESSAGE_HANDLING (STATUS = OFF);
GO

-- No automatic poison-message handling on the sync queue: the Java consumer receives inside its own transaction and
-- rolls back while Neo4j is down, and Service Broker would disable the queue after five such rollbacks (every later
-- RECEIVE failing until an operator re-enabled it). The consumer backs off by itself and drops a body it can never
-- parse, so a retried message is not poison. The guard converges a queue created with the handling on.
IF EXISTS (
    SELECT 1 FROM sys.service_queues
    WHERE object_id = OBJECT_ID(N'provenance.ProvenanceSyncQueue') AND is_poison_message_handling_enabled = 1
)
    ALTER QUEUE provenance.ProvenanceSyncQueue WITH POISON_MESSAGE_HANDLING (STATUS = OFF);
GO
IF OBJECT_ID(N'provenance.ProvenanceSyncInitiatorQueue', N'SQ') IS NULL
    CREATE QUEUE provenance.ProvenanceSyncInitiatorQueue WITH STATUS = ON, RETENTION = OFF, POISON_MESSAGE_HANDLING (STATUS = ON);
GO

IF NOT EXISTS (SELECT 1 FROM sys.services WHERE name = N'//hartonomous/provenance/SyncTarget')
    CREATE SERVICE [//hartonomous/provenance/SyncTarget] ON QUEUE provenance.ProvenanceSyncQueue (
        [//hartonomous/provenance/SyncContract]
    );
GO
IF NOT EXISTS (SELECT 1 FROM sys.services WHERE name = N'//hartonomous/provenance/SyncInitiator')
    CREATE SERVICE [//hartonomous/provenance/SyncInitiator] ON QUEUE provenance.ProvenanceSyncInitiatorQueue;
GO
