-- Attaches the activation procedures to their queues now that both exist. ALTER QUEUE with the same settings is
-- a no-op, so running this again changes nothing. Activated procedures run as the queue owner (dbo): the OODA
-- phases need it for index maintenance and plan forcing. One reader per queue keeps each phase sequential.

ALTER QUEUE ops.OodaAnalyzeQueue WITH ACTIVATION (
    STATUS = ON, PROCEDURE_NAME = ops.sp_Analyze, MAX_QUEUE_READERS = 1, EXECUTE AS OWNER);
GO
ALTER QUEUE ops.OodaHypothesizeQueue WITH ACTIVATION (
    STATUS = ON, PROCEDURE_NAME = ops.sp_Hypothesize, MAX_QUEUE_READERS = 1, EXECUTE AS OWNER);
GO
ALTER QUEUE ops.OodaActQueue WITH ACTIVATION (
    STATUS = ON, PROCEDURE_NAME = ops.sp_Act, MAX_QUEUE_READERS = 1, EXECUTE AS OWNER);
GO
ALTER QUEUE ops.OodaLearnQueue WITH ACTIVATION (
    STATUS = ON, PROCEDURE_NAME = ops.sp_Learn, MAX_QUEUE_READERS = 1, EXECUTE AS OWNER);
GO
ALTER QUEUE ops.OodaInitiatorQueue WITH ACTIVATION (
    STATUS = ON, PROCEDURE_NAME = ops.sp_OodaInitiatorActivation, MAX_QUEUE_READERS = 1, EXECUTE AS OWNER);
GO
ALTER QUEUE provenance.ProvenanceSyncInitiatorQueue WITH ACTIVATION (
    STATUS = ON, PROCEDURE_NAME = provenance.sp_ProvenanceInitiatorActivation, MAX_QUEUE_READERS = 1,
    EXECUTE AS OWNER);
GO
-- provenance.ProvenanceSyncQueue stays without activation: the Java provenance sync receives from it.

-- An emergency stop recorded in ops.Settings (ops.sp_OodaSetRunning) outlives a re-deployment: the activation
-- attached above is turned off again.
IF ops.fn_OodaRunning() = 0
    EXEC ops.sp_OodaSetRunning @Running = 0;
GO
