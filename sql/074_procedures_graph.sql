-- Provenance graph: nodes and edges of the session tenant, lineage walks with MATCH / SHORTEST_PATH, and the
-- Service Broker sync that feeds the cold tier (Neo4j). Same results as the embedded EmbeddedProvenanceGraph.

-- Sends one graph change to the provenance sync service, stamped with the time it is sent (changedAt, UTC), as part
-- of the caller's transaction (the message exists exactly when the change commits; the caller locked the changed
-- row, so a later change of the same node has a later time). One dialog per change; the consumer ends it.
-- Runs as its owner: BEGIN DIALOG needs REFERENCES on the contract and RECEIVE on the initiator's queue, SEND needs
-- RECEIVE on that queue, and ownership chaining does not cover these Service Broker permissions, so callers that
-- hold only their role (hart_ingest creates nodes and edges) could not send otherwise. It sends nothing but @Body.
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
-- callers never get the same message. A suspect change (one with failed deliveries in provenance.SyncFailures, see
-- provenance.sp_RecordSyncFailure in 062) is taken first and alone, so a poison change is isolated from the good
-- ones; its failure row goes when its dialog ends. Result: MessageOrder, Body (JSON), ConversationHandle (what
-- sp_RecordSyncFailure is given after a rollback), in queue order.
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

    -- The oldest suspect nobody holds (READPAST skips failure rows another receiver has locked).
    DECLARE @suspect UNIQUEIDENTIFIER = (
        SELECT TOP (1) f.ConversationHandle
        FROM provenance.SyncFailures AS f WITH (READPAST)
        WHERE EXISTS (SELECT 1 FROM provenance.ProvenanceSyncQueue AS q WHERE q.conversation_handle = f.ConversationHandle)
        ORDER BY f.FirstFailedAt, f.ConversationHandle
    );
    IF @suspect IS NOT NULL
        RECEIVE TOP (1) conversation_handle, message_type_name, message_body, queuing_order
        FROM provenance.ProvenanceSyncQueue
        INTO @received
        WHERE conversation_handle = @suspect;
    SET @taken = (SELECT COUNT(*) FROM @received);

    IF @taken = 0 AND @TimeoutMilliseconds > 0
        WAITFOR (
            RECEIVE TOP (@MaxMessages) conversation_handle, message_type_name, message_body, queuing_order
            FROM provenance.ProvenanceSyncQueue
            INTO @received
        ), TIMEOUT @TimeoutMilliseconds;
    -- A suspect taken alone stops here: nothing else may share its batch.
    SET @before = CASE WHEN @taken > 0 THEN @MaxMessages ELSE -1 END;
    SET @taken = (SELECT COUNT(*) FROM @received);

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
    DELETE f FROM provenance.SyncFailures AS f
    INNER JOIN @received AS r ON r.ConversationHandle = f.ConversationHandle;

    SELECT QueuingOrder AS MessageOrder, CAST(MessageBody AS NVARCHAR(MAX)) AS Body, ConversationHandle
    FROM @received
    WHERE MessageTypeName = N'//hartonomous/provenance/GraphChange'
    ORDER BY QueuingOrder;
END;
GO


-- Activation of the initiator queue: the consumer ended the dialog (or it failed); end our side too.
CREATE OR ALTER PROCEDURE provenance.sp_ProvenanceInitiatorActivation
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @handle UNIQUEIDENTIFIER, @type NVARCHAR(256);
    WHILE 1 = 1
    BEGIN
        SET @handle = NULL;
        WAITFOR (
            RECEIVE TOP (1) @handle = conversation_handle, @type = message_type_name
            FROM provenance.ProvenanceSyncInitiatorQueue
        ), TIMEOUT 1000;
        IF @handle IS NULL
            BREAK;
        IF @type IN (N'http://schemas.microsoft.com/SQL/ServiceBroker/EndDialog',
                     N'http://schemas.microsoft.com/SQL/ServiceBroker/Error')
            END CONVERSATION @handle;
    END;
END;
GO

-- The session tenant's node standing for (kind, refId), created if absent with @Label; with @Relabel = 1 a non-null
-- label that differs from the stored one replaces it. Either change is sent to the provenance sync in the same
-- transaction (the caller's, if it has one). Result: @NodeId only, so procedures that build provenance inside their
-- own transaction (dbo.sp_BeginInference) can call it; graph.sp_EnsureNode is the engine's call.
CREATE OR ALTER PROCEDURE graph.sp_PutNode
    @NodeKind VARCHAR(16),
    @RefId    BIGINT,
    @Label    NVARCHAR(512) = NULL,
    @Relabel  BIT = 1,
    @NodeId   BIGINT OUTPUT,
    @Properties NVARCHAR(MAX) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    DECLARE @OldLabel NVARCHAR(512), @changed BIT = 0, @body NVARCHAR(MAX), @sent NVARCHAR(MAX);
    SET @NodeId = NULL;
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;
    IF @NodeKind IS NULL OR @NodeKind NOT IN ('FILE', 'ATOM', 'MODEL', 'TENSOR', 'EMBEDDING', 'JOB', 'INFERENCE')
        THROW 50400, N'node kind must be FILE, ATOM, MODEL, TENSOR, EMBEDDING, JOB or INFERENCE', 1;
    IF @Properties IS NOT NULL AND ISJSON(@Properties) = 0
        THROW 50400, N'node properties are a JSON object', 1;

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
            SET @sent = @Properties;
        END
        ELSE IF @Label IS NOT NULL AND @Relabel = 1
            AND (@OldLabel IS NULL OR @OldLabel <> @Label COLLATE Latin1_General_100_BIN2)
        BEGIN
            UPDATE graph.AtomGraphNodes SET Label = @Label WHERE NodeId = @NodeId;
            SET @changed = 1;
        END;
        IF @changed = 1
        BEGIN
            SET @body = (
                SELECT 'node' AS change, @TenantId AS tenantId, @NodeId AS nodeId, @NodeKind AS kind,
                       @RefId AS refId, COALESCE(@Label, @OldLabel) AS label, JSON_QUERY(@sent) AS properties
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
END;
GO

-- graph.sp_PutNode with the label replaced when it differs. Result: NodeId, NodeKind, RefId, Label.
CREATE OR ALTER PROCEDURE graph.sp_EnsureNode
    @NodeKind VARCHAR(16),
    @RefId    BIGINT,
    @Label    NVARCHAR(512) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @NodeId BIGINT;
    EXEC graph.sp_PutNode @NodeKind = @NodeKind, @RefId = @RefId, @Label = @Label, @Relabel = 1,
                          @NodeId = @NodeId OUTPUT;
    SELECT NodeId, NodeKind, RefId, Label FROM graph.AtomGraphNodes WHERE NodeId = @NodeId;
END;
GO


-- A directed edge between two of the session tenant's nodes, created if absent and then sent to the provenance sync
-- in the same transaction (the caller's, if it has one). Result: @EdgeId only (see graph.sp_PutNode).
CREATE OR ALTER PROCEDURE graph.sp_PutEdge
    @FromNodeId BIGINT,
    @ToNodeId   BIGINT,
    @Relation   NVARCHAR(64),
    @EdgeId     BIGINT OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    DECLARE @message NVARCHAR(2048), @body NVARCHAR(MAX);
    SET @EdgeId = NULL;
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;
    IF @Relation IS NULL OR LEN(@Relation) = 0 OR LEN(@Relation) > 64
        THROW 50400, N'an edge needs a relation of 1-64 characters', 1;
    IF NOT EXISTS (SELECT 1 FROM graph.AtomGraphNodes WHERE NodeId = @FromNodeId AND TenantId = @TenantId)
    BEGIN
        SET @message = CONCAT(N'graph node ', @FromNodeId, N' not found');
        THROW 50404, @message, 1;
    END;
    IF NOT EXISTS (SELECT 1 FROM graph.AtomGraphNodes WHERE NodeId = @ToNodeId AND TenantId = @TenantId)
    BEGIN
        SET @message = CONCAT(N'graph node ', @ToNodeId, N' not found');
        THROW 50404, @message, 1;
    END;

    BEGIN TRY
        BEGIN TRANSACTION;
        SELECT @EdgeId = EdgeId
        FROM graph.AtomGraphEdges WITH (UPDLOCK, HOLDLOCK)
        WHERE TenantId = @TenantId AND FromNodeId = @FromNodeId AND ToNodeId = @ToNodeId AND Relation = @Relation;
        IF @EdgeId IS NULL
        BEGIN
            INSERT INTO graph.AtomGraphEdges ($from_id, $to_id, TenantId, FromNodeId, ToNodeId, Relation)
            SELECT f.$node_id, t.$node_id, @TenantId, @FromNodeId, @ToNodeId, @Relation
            FROM graph.AtomGraphNodes AS f
            CROSS JOIN graph.AtomGraphNodes AS t
            WHERE f.NodeId = @FromNodeId AND t.NodeId = @ToNodeId;
            SET @EdgeId = SCOPE_IDENTITY();
            SET @body = (
                SELECT 'edge' AS change, @TenantId AS tenantId, @EdgeId AS edgeId, @FromNodeId AS fromNodeId,
                       @ToNodeId AS toNodeId, @Relation AS relation
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
END;
GO

-- graph.sp_PutEdge for the engine. Result: EdgeId, FromNodeId, ToNodeId, Relation.
CREATE OR ALTER PROCEDURE graph.sp_EnsureEdge
    @FromNodeId BIGINT,
    @ToNodeId   BIGINT,
    @Relation   NVARCHAR(64)
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @EdgeId BIGINT;
    EXEC graph.sp_PutEdge @FromNodeId = @FromNodeId, @ToNodeId = @ToNodeId, @Relation = @Relation,
                          @EdgeId = @EdgeId OUTPUT;
    SELECT EdgeId, FromNodeId, ToNodeId, Relation FROM graph.AtomGraphEdges WHERE EdgeId = @EdgeId;
END;
GO

-- Nodes reachable from the node of (kind, refId) within @MaxDepth hops: DOWNSTREAM follows edges from -> to,
-- UPSTREAM against them, BOTH does both walks and keeps the shallower (downstream on a tie). SHORTEST_PATH gives
-- each node's depth; the edge reported as the way in is, among edges from a node one hop shallower, the one with
-- the smallest EdgeId (the embedded engine's choice). Result: Depth, EdgeId, FromNodeId, ToNodeId, Relation,
-- NodeId, NodeKind, RefId, Label, nearest first. The walk pattern is bounded ({1,32}, the largest depth allowed;
-- the quantifier takes literals only): with '+' SHORTEST_PATH would walk the tenant's whole graph before the depth
-- filter, however small @MaxDepth is.
CREATE OR ALTER PROCEDURE graph.sp_QueryLineage
    @NodeKind  VARCHAR(16),
    @RefId     BIGINT,
    @MaxDepth  INT,
    @Direction VARCHAR(16)
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    DECLARE @StartId BIGINT, @message NVARCHAR(2048);
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;
    IF @MaxDepth IS NULL OR @MaxDepth < 1 OR @MaxDepth > 32
    BEGIN
        SET @message = CONCAT(N'depth must be between 1 and 32, got ', @MaxDepth);
        THROW 50400, @message, 1;
    END;
    IF @Direction IS NULL OR @Direction NOT IN ('DOWNSTREAM', 'UPSTREAM', 'BOTH')
        THROW 50400, N'direction must be DOWNSTREAM, UPSTREAM or BOTH', 1;

    SELECT @StartId = NodeId FROM graph.AtomGraphNodes
    WHERE TenantId = @TenantId AND NodeKind = @NodeKind AND RefId = @RefId;
    IF @StartId IS NULL
    BEGIN
        SET @message = CONCAT(N'no provenance recorded for ', LOWER(@NodeKind), N' ', @RefId);
        THROW 50404, @message, 1;
    END;

    CREATE TABLE #Down (NodeId BIGINT NOT NULL PRIMARY KEY, Depth INT NOT NULL);
    CREATE TABLE #Up (NodeId BIGINT NOT NULL PRIMARY KEY, Depth INT NOT NULL);
    CREATE TABLE #Steps (NodeId BIGINT NOT NULL PRIMARY KEY, Depth INT NOT NULL, EdgeId BIGINT NOT NULL);

    IF @Direction IN ('DOWNSTREAM', 'BOTH')
    BEGIN
        INSERT INTO #Down (NodeId, Depth) VALUES (@StartId, 0);
        INSERT INTO #Down (NodeId, Depth)
        SELECT p.NodeId, MIN(p.Depth)
        FROM (
            SELECT LAST_VALUE(n2.NodeId) WITHIN GROUP (GRAPH PATH) AS NodeId,
                   COUNT(n2.NodeId) WITHIN GROUP (GRAPH PATH) AS Depth
            FROM graph.AtomGraphNodes AS n1,
                 graph.AtomGraphEdges FOR PATH AS e,
                 graph.AtomGraphNodes FOR PATH AS n2
            WHERE MATCH(SHORTEST_PATH(n1(-(e)->n2){1,32}))
              AND n1.NodeId = @StartId
        ) AS p
        WHERE p.Depth <= @MaxDepth AND p.NodeId <> @StartId
        GROUP BY p.NodeId;

        INSERT INTO #Steps (NodeId, Depth, EdgeId)
        SELECT d.NodeId, d.Depth, MIN(e.EdgeId)
        FROM #Down AS d
        INNER JOIN graph.AtomGraphEdges AS e ON e.ToNodeId = d.NodeId AND e.TenantId = @TenantId
        INNER JOIN #Down AS p ON p.NodeId = e.FromNodeId AND p.Depth = d.Depth - 1
        WHERE d.Depth > 0
        GROUP BY d.NodeId, d.Depth;
    END;

    IF @Direction IN ('UPSTREAM', 'BOTH')
    BEGIN
        INSERT INTO #Up (NodeId, Depth) VALUES (@StartId, 0);
        INSERT INTO #Up (NodeId, Depth)
        SELECT p.NodeId, MIN(p.Depth)
        FROM (
            SELECT LAST_VALUE(n2.NodeId) WITHIN GROUP (GRAPH PATH) AS NodeId,
                   COUNT(n2.NodeId) WITHIN GROUP (GRAPH PATH) AS Depth
            FROM graph.AtomGraphNodes AS n1,
                 graph.AtomGraphEdges FOR PATH AS e,
                 graph.AtomGraphNodes FOR PATH AS n2
            WHERE MATCH(SHORTEST_PATH(n1(<-(e)-n2){1,32}))
              AND n1.NodeId = @StartId
        ) AS p
        WHERE p.Depth <= @MaxDepth AND p.NodeId <> @StartId
        GROUP BY p.NodeId;

        -- A node both walks reach keeps the shallower step; on a tie the downstream one.
        DELETE s
        FROM #Steps AS s
        INNER JOIN #Up AS u ON u.NodeId = s.NodeId AND u.Depth < s.Depth;

        INSERT INTO #Steps (NodeId, Depth, EdgeId)
        SELECT u.NodeId, u.Depth, MIN(e.EdgeId)
        FROM #Up AS u
        INNER JOIN graph.AtomGraphEdges AS e ON e.FromNodeId = u.NodeId AND e.TenantId = @TenantId
        INNER JOIN #Up AS p ON p.NodeId = e.ToNodeId AND p.Depth = u.Depth - 1
        WHERE u.Depth > 0 AND NOT EXISTS (SELECT 1 FROM #Steps AS s WHERE s.NodeId = u.NodeId)
        GROUP BY u.NodeId, u.Depth;
    END;

    SELECT s.Depth, e.EdgeId, e.FromNodeId, e.ToNodeId, e.Relation, n.NodeId, n.NodeKind, n.RefId, n.Label
    FROM #Steps AS s
    INNER JOIN graph.AtomGraphEdges AS e ON e.EdgeId = s.EdgeId
    INNER JOIN graph.AtomGraphNodes AS n ON n.NodeId = s.NodeId
    ORDER BY s.Depth, n.NodeId;
END;
GO
