-- Dead letters and queue figures (tables in 061_tables_dead_letters.sql). Same semantics as the embedded
-- EmbeddedDeadLetters / EmbeddedMessageQueue / EmbeddedProvenanceFeed. The general queue's receive and abandon
-- (075) and the provenance receive (074) use these tables too.

-- Deliveries a message of @QueueName gets before it is dead-lettered (5 for a queue nobody configured).
CREATE OR ALTER FUNCTION ops.fn_MaxDeliveries (@QueueName NVARCHAR(128))
RETURNS INT
AS
BEGIN
    RETURN COALESCE((SELECT MaxDeliveries FROM ops.QueueSettings WHERE QueueName = @QueueName), 5);
END;
GO

CREATE OR ALTER PROCEDURE ops.sp_GetMaxDeliveries
    @QueueName NVARCHAR(128)
AS
BEGIN
    SET NOCOUNT ON;
    SELECT ops.fn_MaxDeliveries(@QueueName) AS MaxDeliveries;
END;
GO

CREATE OR ALTER PROCEDURE ops.sp_SetMaxDeliveries
    @QueueName     NVARCHAR(128),
    @MaxDeliveries INT
AS
BEGIN
    SET NOCOUNT ON;
    IF @QueueName IS NULL OR LEN(@QueueName) = 0 OR LEN(@QueueName) > 128
        THROW 50400, N'a queue name is 1-128 characters', 1;
    IF @MaxDeliveries IS NULL OR @MaxDeliveries < 1 OR @MaxDeliveries > 1000
        THROW 50400, N'maxDeliveries must be between 1 and 1000', 1;
    MERGE ops.QueueSettings WITH (HOLDLOCK) AS s
    USING (SELECT @QueueName AS QueueName) AS n ON s.QueueName = n.QueueName
    WHEN MATCHED THEN UPDATE SET MaxDeliveries = @MaxDeliveries
    WHEN NOT MATCHED THEN INSERT (QueueName, MaxDeliveries) VALUES (@QueueName, @MaxDeliveries);
END;
GO

-- Parks one message in the dead-letter table. Shared: the OODA activation procedures (080) can call it from their
-- CATCH blocks for a message that failed, then commit their RECEIVE, instead of rolling back (with
-- POISON_MESSAGE_HANDLING ON, five rollbacks in a row disable the whole queue). Result: DeadLetterId.
CREATE OR ALTER PROCEDURE ops.sp_AddDeadLetter
    @QueueName  NVARCHAR(128),
    @Body       NVARCHAR(MAX),
    @Error      NVARCHAR(4000),
    @Deliveries INT,
    @FirstSeen  DATETIME2(7) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    IF @QueueName IS NULL OR LEN(@QueueName) = 0 OR LEN(@QueueName) > 128
        THROW 50400, N'a queue name is 1-128 characters', 1;
    INSERT INTO ops.DeadLetters (QueueName, Body, Error, Deliveries, FirstSeen)
    VALUES (@QueueName, COALESCE(@Body, N''), COALESCE(NULLIF(@Error, N''), N'no error given'),
            COALESCE(@Deliveries, 1), COALESCE(@FirstSeen, SYSUTCDATETIME()));
    SELECT CAST(SCOPE_IDENTITY() AS BIGINT) AS DeadLetterId;
END;
GO

-- Every queue: the general queues that hold messages or dead letters, the provenance feed ('provenance-sync') and
-- the Service Broker queues by schema.name. A Broker queue can be read with SELECT (it does not remove anything);
-- message_enqueue_time is when a message entered it. Runs as its owner: SELECT on the queues is not granted to the
-- roles. Result: QueueName, Depth, OldestAgeSeconds, DeadLetters, by name.
CREATE OR ALTER PROCEDURE ops.sp_QueueStats
WITH EXECUTE AS OWNER
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @now DATETIME2(7) = SYSUTCDATETIME();
    DECLARE @stats TABLE (
        QueueName NVARCHAR(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
        Depth     BIGINT        NOT NULL,
        Oldest    DATETIME2(7)  NULL
    );
    INSERT INTO @stats (QueueName, Depth, Oldest)
    SELECT QueueName, COUNT_BIG(*), MIN(EnqueuedAt) FROM ops.QueueMessages GROUP BY QueueName;
    INSERT INTO @stats (QueueName, Depth, Oldest)
    SELECT N'provenance-sync', COUNT_BIG(*), CAST(SWITCHOFFSET(MIN(message_enqueue_time), '+00:00') AS DATETIME2(7))
    FROM provenance.ProvenanceSyncQueue;
    INSERT INTO @stats (QueueName, Depth, Oldest)
    SELECT N'provenance.ProvenanceSyncInitiatorQueue', COUNT_BIG(*),
           CAST(SWITCHOFFSET(MIN(message_enqueue_time), '+00:00') AS DATETIME2(7))
    FROM provenance.ProvenanceSyncInitiatorQueue;
    INSERT INTO @stats (QueueName, Depth, Oldest)
    SELECT N'ops.OodaAnalyzeQueue', COUNT_BIG(*), CAST(SWITCHOFFSET(MIN(message_enqueue_time), '+00:00') AS DATETIME2(7))
    FROM ops.OodaAnalyzeQueue;
    INSERT INTO @stats (QueueName, Depth, Oldest)
    SELECT N'ops.OodaHypothesizeQueue', COUNT_BIG(*),
           CAST(SWITCHOFFSET(MIN(message_enqueue_time), '+00:00') AS DATETIME2(7))
    FROM ops.OodaHypothesizeQueue;
    INSERT INTO @stats (QueueName, Depth, Oldest)
    SELECT N'ops.OodaActQueue', COUNT_BIG(*), CAST(SWITCHOFFSET(MIN(message_enqueue_time), '+00:00') AS DATETIME2(7))
    FROM ops.OodaActQueue;
    INSERT INTO @stats (QueueName, Depth, Oldest)
    SELECT N'ops.OodaLearnQueue', COUNT_BIG(*), CAST(SWITCHOFFSET(MIN(message_enqueue_time), '+00:00') AS DATETIME2(7))
    FROM ops.OodaLearnQueue;
    INSERT INTO @stats (QueueName, Depth, Oldest)
    SELECT N'ops.OodaInitiatorQueue', COUNT_BIG(*),
           CAST(SWITCHOFFSET(MIN(message_enqueue_time), '+00:00') AS DATETIME2(7))
    FROM ops.OodaInitiatorQueue;

    SELECT COALESCE(s.QueueName, d.QueueName) AS QueueName,
           COALESCE(s.Depth, 0) AS Depth,
           CASE WHEN s.Oldest IS NULL OR s.Oldest > @now THEN CAST(0 AS BIGINT)
                ELSE DATEDIFF_BIG(SECOND, s.Oldest, @now) END AS OldestAgeSeconds,
           COALESCE(d.DeadLetters, 0) AS DeadLetters
    FROM (SELECT QueueName, SUM(Depth) AS Depth, MIN(Oldest) AS Oldest FROM @stats GROUP BY QueueName) AS s
    FULL OUTER JOIN (
        SELECT QueueName, COUNT_BIG(*) AS DeadLetters FROM ops.DeadLetters GROUP BY QueueName
    ) AS d ON d.QueueName = s.QueueName
    ORDER BY COALESCE(s.QueueName, d.QueueName);
END;
GO

-- Up to @Limit dead letters, oldest first; @QueueName NULL: of every queue.
CREATE OR ALTER PROCEDURE ops.sp_ListDeadLetters
    @QueueName NVARCHAR(128) = NULL,
    @Limit     INT = 100
AS
BEGIN
    SET NOCOUNT ON;
    IF @Limit IS NULL OR @Limit < 1 OR @Limit > 1000
        THROW 50400, N'limit must be between 1 and 1000', 1;
    SELECT TOP (@Limit) DeadLetterId, QueueName, Body, Error, Deliveries, FirstSeen, DeadLetteredAt
    FROM ops.DeadLetters
    WHERE @QueueName IS NULL OR QueueName = @QueueName
    ORDER BY DeadLetterId;
END;
GO

CREATE OR ALTER PROCEDURE ops.sp_GetDeadLetter
    @DeadLetterId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    SELECT DeadLetterId, QueueName, Body, Error, Deliveries, FirstSeen, DeadLetteredAt
    FROM ops.DeadLetters WHERE DeadLetterId = @DeadLetterId;
END;
GO

-- Puts a dead letter back on its queue as a new message (delivery count zero) and deletes it, in one transaction:
-- a general-queue message is enqueued again; a provenance change is sent again on a new dialog with its body as it
-- was (not re-stamped: its changedAt orders it against later changes of the same node). A Service Broker queue's
-- dead letter cannot be re-sent from here (its dialog is gone): 50409. Runs as its owner for BEGIN DIALOG / SEND
-- (see provenance.sp_EnqueueProvenanceSync). Result: Done = 1, or 0 when there is no such dead letter.
CREATE OR ALTER PROCEDURE ops.sp_RetryDeadLetter
    @DeadLetterId BIGINT
WITH EXECUTE AS OWNER
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @queue NVARCHAR(128), @body NVARCHAR(MAX), @dialog UNIQUEIDENTIFIER;
    BEGIN TRANSACTION;
    SELECT @queue = QueueName, @body = Body
    FROM ops.DeadLetters WITH (UPDLOCK, ROWLOCK)
    WHERE DeadLetterId = @DeadLetterId;
    IF @queue IS NULL
    BEGIN
        COMMIT TRANSACTION;
        SELECT CAST(0 AS BIT) AS Done;
        RETURN;
    END;
    IF @queue = N'provenance-sync'
    BEGIN
        BEGIN DIALOG CONVERSATION @dialog
            FROM SERVICE [//hartonomous/provenance/SyncInitiator]
            TO SERVICE N'//hartonomous/provenance/SyncTarget'
            ON CONTRACT [//hartonomous/provenance/SyncContract]
            WITH ENCRYPTION = OFF;
        SEND ON CONVERSATION (@dialog) MESSAGE TYPE [//hartonomous/provenance/GraphChange] (@body);
    END
    ELSE IF @queue IN (N'provenance.ProvenanceSyncInitiatorQueue', N'ops.OodaAnalyzeQueue', N'ops.OodaHypothesizeQueue',
                       N'ops.OodaActQueue', N'ops.OodaLearnQueue', N'ops.OodaInitiatorQueue')
    BEGIN
        ROLLBACK TRANSACTION;
        THROW 50409, N'a dead letter of a Service Broker queue cannot be retried here: start a new OODA cycle', 1;
    END
    ELSE
        INSERT INTO ops.QueueMessages (QueueName, Body) VALUES (@queue, @body);
    DELETE FROM ops.DeadLetters WHERE DeadLetterId = @DeadLetterId;
    COMMIT TRANSACTION;
    SELECT CAST(1 AS BIT) AS Done;
END;
GO

-- Result: Done = 1, or 0 when there is no such dead letter.
CREATE OR ALTER PROCEDURE ops.sp_DiscardDeadLetter
    @DeadLetterId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    DELETE FROM ops.DeadLetters WHERE DeadLetterId = @DeadLetterId;
    SELECT CAST(CASE WHEN @@ROWCOUNT = 1 THEN 1 ELSE 0 END AS BIT) AS Done;
END;
GO

-- Charges each change of a failed provenance batch one failed delivery (@Handles: a JSON array of the dialogs'
-- conversation handles, as sp_ReceiveProvenanceSync returned them; called after that batch was rolled back), and
-- moves each change that has now failed ops.fn_MaxDeliveries('provenance-sync') times to ops.DeadLetters: it is
-- received by its dialog (RECEIVE ... WHERE conversation_handle), parked and its dialog ended, in one transaction.
-- A change another receiver holds right now is left for the next failure. Runs as its owner (RECEIVE, END
-- CONVERSATION). Result: DeadLettered, how many changes were dead-lettered.
CREATE OR ALTER PROCEDURE provenance.sp_RecordSyncFailure
    @Handles NVARCHAR(MAX),
    @Error   NVARCHAR(4000)
WITH EXECUTE AS OWNER
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @error NVARCHAR(4000) = COALESCE(NULLIF(@Error, N''), N'no error given');
    DECLARE @max INT = ops.fn_MaxDeliveries(N'provenance-sync');
    DECLARE @dead INT = 0, @handle UNIQUEIDENTIFIER, @failures INT;
    DECLARE @handles TABLE (ConversationHandle UNIQUEIDENTIFIER NOT NULL PRIMARY KEY);
    DECLARE @message TABLE (
        MessageTypeName NVARCHAR(256)  NOT NULL,
        MessageBody     VARBINARY(MAX) NULL,
        EnqueuedAt      DATETIMEOFFSET NULL
    );
    IF @Handles IS NULL OR ISJSON(@Handles) = 0
        THROW 50400, N'@Handles must be a JSON array of conversation handles', 1;
    INSERT INTO @handles (ConversationHandle)
    SELECT DISTINCT TRY_CAST(value AS UNIQUEIDENTIFIER)
    FROM OPENJSON(@Handles)
    WHERE TRY_CAST(value AS UNIQUEIDENTIFIER) IS NOT NULL;

    BEGIN TRANSACTION;
    MERGE provenance.SyncFailures WITH (HOLDLOCK) AS f
    USING @handles AS h ON f.ConversationHandle = h.ConversationHandle
    WHEN MATCHED THEN UPDATE SET Failures = f.Failures + 1, LastError = @error
    WHEN NOT MATCHED THEN INSERT (ConversationHandle, Failures, LastError) VALUES (h.ConversationHandle, 1, @error);

    SET @handle = (SELECT MIN(f.ConversationHandle) FROM provenance.SyncFailures AS f
                   INNER JOIN @handles AS h ON h.ConversationHandle = f.ConversationHandle
                   WHERE f.Failures >= @max);
    WHILE @handle IS NOT NULL
    BEGIN
        DELETE FROM @message;
        SET @failures = (SELECT Failures FROM provenance.SyncFailures WHERE ConversationHandle = @handle);
        RECEIVE TOP (1) message_type_name, message_body, message_enqueue_time
        FROM provenance.ProvenanceSyncQueue
        INTO @message
        WHERE conversation_handle = @handle;
        IF EXISTS (SELECT 1 FROM @message)
        BEGIN
            INSERT INTO ops.DeadLetters (QueueName, Body, Error, Deliveries, FirstSeen)
            SELECT N'provenance-sync', CAST(MessageBody AS NVARCHAR(MAX)), @error, @failures,
                   COALESCE(CAST(SWITCHOFFSET(EnqueuedAt, '+00:00') AS DATETIME2(7)), SYSUTCDATETIME())
            FROM @message
            WHERE MessageTypeName = N'//hartonomous/provenance/GraphChange';
            SET @dead = @dead + @@ROWCOUNT;
            END CONVERSATION @handle;
            DELETE FROM provenance.SyncFailures WHERE ConversationHandle = @handle;
        END;
        SET @handle = (SELECT MIN(f.ConversationHandle) FROM provenance.SyncFailures AS f
                       INNER JOIN @handles AS h ON h.ConversationHandle = f.ConversationHandle
                       WHERE f.Failures >= @max AND f.ConversationHandle > @handle);
    END;
    COMMIT TRANSACTION;
    SELECT @dead AS DeadLettered;
END;
GO
