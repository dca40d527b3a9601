-- Provenance sync, second version (074 is applied and must not change; these replace three of its procedures).
-- The Java side (SqlServerProvenanceFeed) calls provenance.sp_ReceiveProvenanceSync inside its own transaction,
-- hands the changes to Neo4j and commits; when Neo4j fails it rolls back and the messages come again.
--   * The queue it receives from no longer has automatic poison message handling: Service Broker disables a queue
--     after five rolled-back transactions that received from it, which here would mean "Neo4j was down for five
--     attempts", and every later RECEIVE would fail until an operator switched the queue on again. The consumer
--     backs off between attempts itself and drops a body it can never parse, so a retried message is not poison.
--   * Every message carries the time of its change (changedAt, UTC), so the cold tier can tell an older label
--     from a newer one whatever order the changes arrive in.
--   * A node whose label is replaced sends a change too (074 sent one only for new nodes), as the embedded engine.
--   * One RECEIVE returns the messages of one conversation group only, and every change is its own dialog, so the
--     receive procedure now repeats RECEIVE until it has @MaxMessages messages or the queue has none left.

IF EXISTS (
    SELECT 1 FROM sys.service_queues
    WHERE object_id = OBJECT_ID(N'provenance.ProvenanceSyncQueue') AND is_poison_message_handling_enabled = 1
)
    ALTER QUEUE provenance.ProvenanceSyncQueue WITH POISON_MESSAGE_HANDLING (STATUS = OFF);
GO

-- Sends one graph change to the provenance sync service, stamped with the time it is sent (part of the caller's
-- transaction, after the caller locked the changed row: a later change of the same node has a later time).
-- EXECUTE AS OWNER for the reasons given in 074 (Service Broker permissions are not covered by ownership chaining).
CREATE OR ALTER PROCEDURE provenance.sp_EnqueueProvenanceSync
    @Body NVARCHAR(MAX)
WITH EXECUTE AS OWNER
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @dialog UNIQUEIDENTIFIER;
    DECLARE @stamped NVARCHAR(MAX) = JSON_MODIFY(@Body, N'$.changedAt', CONVERT(NVARCHAR(33), SYSUTCDATETIME(), 126));
    BEGIN DIALOG CONVERSATION @dialog
        FROM SERVICE [//hartonomous/provenance/SyncInitiator]
        TO SERVICE N'//hartonomous/provenance/SyncTarget'
        ON CONTRACT [//hartonomous/provenance/SyncContract]
        WITH ENCRYPTION = OFF;
    SEND ON CONVERSATION (@dialog) MESSAGE TYPE [//hartonomous/provenance/GraphChange] (@stamped);
END;
GO

-- Waits up to @TimeoutMilliseconds for a first change, then takes what else is there without waiting, up to
-- @MaxMessages messages in all, and ends their dialogs. Call it inside a transaction: committing removes the
-- messages, rolling back returns them. RECEIVE skips conversation groups another transaction holds, so concurrent
-- callers never get the same message. Result: MessageOrder, Body (JSON), in queue order.
CREATE OR ALTER PROCEDURE provenance.sp_ReceiveProvenanceSync
    @MaxMessages         INT = 100,
    @TimeoutMilliseconds INT = 5000
WITH EXECUTE AS OWNER
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @received TABLE (
        ConversationHandle UNIQUEIDENTIFIER NOT NULL,
        MessageTypeName    NVARCHAR(256)    NOT NULL,
        MessageBody        VARBINARY(MAX)   NULL,
        QueuingOrder       BIGINT           NOT NULL
    );
    DECLARE @taken INT = 0, @before INT, @wanted INT;
    IF @MaxMessages IS NULL OR @MaxMessages < 1 OR @MaxMessages > 1000
        THROW 50400, N'@MaxMessages must be between 1 and 1000', 1;
    IF @TimeoutMilliseconds IS NULL OR @TimeoutMilliseconds < 0
        THROW 50400, N'@TimeoutMilliseconds must be zero or more', 1;

    IF @TimeoutMilliseconds > 0
        WAITFOR (
            RECEIVE TOP (@MaxMessages) conversation_handle, message_type_name, message_body, queuing_order
            FROM provenance.ProvenanceSyncQueue
            INTO @received
        ), TIMEOUT @TimeoutMilliseconds;
    SET @taken = (SELECT COUNT(*) FROM @received);
    SET @before = -1;

    -- Each RECEIVE returns one conversation group: go on without waiting while the last one found something and
    -- room is left (with no wait asked for, this is where receiving starts).
    WHILE @taken > @before AND @taken < @MaxMessages
    BEGIN
        SET @before = @taken;
        SET @wanted = @MaxMessages - @taken;
        RECEIVE TOP (@wanted) conversation_handle, message_type_name, message_body, queuing_order
        FROM provenance.ProvenanceSyncQueue
        INTO @received;
        SET @taken = (SELECT COUNT(*) FROM @received);
    END;

    DECLARE @handle UNIQUEIDENTIFIER = (SELECT MIN(ConversationHandle) FROM @received);
    WHILE @handle IS NOT NULL
    BEGIN
        END CONVERSATION @handle;
        SET @handle = (SELECT MIN(ConversationHandle) FROM @received WHERE ConversationHandle > @handle);
    END;

    SELECT QueuingOrder AS MessageOrder, CAST(MessageBody AS NVARCHAR(MAX)) AS Body
    FROM @received
    WHERE MessageTypeName = N'//hartonomous/provenance/GraphChange'
    ORDER BY QueuingOrder;
END;
GO

-- The session tenant's node standing for (kind, refId), created if absent; a non-null label that differs from the
-- stored one replaces it. Either change is sent to the provenance sync in the same transaction.
-- Result: NodeId, NodeKind, RefId, Label.
CREATE OR ALTER PROCEDURE graph.sp_EnsureNode
    @NodeKind VARCHAR(16),
    @RefId    BIGINT,
    @Label    NVARCHAR(512) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    DECLARE @NodeId BIGINT, @OldLabel NVARCHAR(512), @changed BIT = 0, @body NVARCHAR(MAX);
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;
    IF @NodeKind IS NULL OR @NodeKind NOT IN ('FILE', 'ATOM', 'MODEL', 'TENSOR', 'EMBEDDING', 'JOB')
        THROW 50400, N'node kind must be FILE, ATOM, MODEL, TENSOR, EMBEDDING or JOB', 1;

    BEGIN TRY
        BEGIN TRANSACTION;
        SELECT @NodeId = NodeId, @OldLabel = Label
        FROM graph.AtomGraphNodes WITH (UPDLOCK, HOLDLOCK)
        WHERE TenantId = @TenantId AND NodeKind = @NodeKind AND RefId = @RefId;
        IF @NodeId IS NULL
        BEGIN
            INSERT INTO graph.AtomGraphNodes (TenantId, NodeKind, RefId, Label)
            VALUES (@TenantId, @NodeKind, @RefId, @Label);
            SET @NodeId = SCOPE_IDENTITY();
            SET @changed = 1;
        END
        ELSE IF @Label IS NOT NULL AND (@OldLabel IS NULL OR @OldLabel <> @Label COLLATE Latin1_General_100_BIN2)
        BEGIN
            UPDATE graph.AtomGraphNodes SET Label = @Label WHERE NodeId = @NodeId;
            SET @changed = 1;
        END;
        IF @changed = 1
        BEGIN
            SET @body = (
                SELECT 'node' AS change, @TenantId AS tenantId, @NodeId AS nodeId, @NodeKind AS kind,
                       @RefId AS refId, COALESCE(@Label, @OldLabel) AS label
                FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES);
            EXEC provenance.sp_EnqueueProvenanceSync @Body = @body;
        END;
        COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0
            ROLLBACK TRANSACTION;
        THROW;
    END CATCH;

    SELECT NodeId, NodeKind, RefId, Label FROM graph.AtomGraphNodes WHERE NodeId = @NodeId;
END;
GO
