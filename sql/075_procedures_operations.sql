-- The lease queue, API keys, and the engine-wide views (unfinished jobs of every tenant, row counts).
-- Same semantics as the embedded EmbeddedMessageQueue, EmbeddedApiKeyStore, EmbeddedEngine (usage: 076).

CREATE OR ALTER PROCEDURE ops.sp_EnqueueMessage
    @QueueName NVARCHAR(128),
    @Body      NVARCHAR(MAX)
AS
BEGIN
    SET NOCOUNT ON;
    IF @QueueName IS NULL OR LEN(@QueueName) = 0 OR LEN(@QueueName) > 128
        THROW 50400, N'a queue name is 1-128 characters', 1;
    IF @Body IS NULL
        THROW 50400, N'a message needs a body', 1;
    INSERT INTO ops.QueueMessages (QueueName, Body) VALUES (@QueueName, @Body);
    SELECT CAST(SCOPE_IDENTITY() AS BIGINT) AS MessageId;
END;
GO

-- Takes up to @MaxMessages visible messages, oldest first, skipping rows other receivers hold (READPAST), and
-- leases each under a fresh token for @LeaseMilliseconds. Visible messages that used up their deliveries
-- (ops.fn_MaxDeliveries: their leases ran out that often) go to ops.DeadLetters first, in one statement, so what is
-- returned may still be tried. Result: the leased messages in MessageId order.
CREATE OR ALTER PROCEDURE ops.sp_ReceiveMessages
    @QueueName         NVARCHAR(128),
    @MaxMessages       INT,
    @LeaseMilliseconds BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    IF @QueueName IS NULL OR LEN(@QueueName) = 0 OR LEN(@QueueName) > 128
        THROW 50400, N'a queue name is 1-128 characters', 1;
    IF @MaxMessages IS NULL OR @MaxMessages < 1 OR @MaxMessages > 1000
        THROW 50400, N'maxMessages must be between 1 and 1000', 1;
    IF @LeaseMilliseconds IS NULL OR @LeaseMilliseconds < 1
        THROW 50400, N'a lease must be positive', 1;
    DECLARE @now DATETIME2(7) = SYSUTCDATETIME();
    DECLARE @until DATETIME2(7) =
        DATEADD(MILLISECOND, CAST(@LeaseMilliseconds % 1000 AS INT),
                DATEADD(SECOND, CAST(@LeaseMilliseconds / 1000 AS INT), @now));
    DECLARE @taken TABLE (
        MessageId     BIGINT        NOT NULL PRIMARY KEY,
        QueueName     NVARCHAR(128) NOT NULL,
        Body          NVARCHAR(MAX) NOT NULL,
        DeliveryCount INT           NOT NULL,
        LeaseToken    VARCHAR(36)   NOT NULL,
        EnqueuedAt    DATETIME2(7)  NOT NULL
    );

    DECLARE @max INT = ops.fn_MaxDeliveries(@QueueName);

    DELETE FROM ops.QueueMessages WITH (ROWLOCK, READPAST)
    OUTPUT deleted.QueueName, deleted.Body,
           LEFT(CONCAT(N'its lease ran out on delivery ', deleted.DeliveryCount,
                       N'; last error: ' + deleted.LastError), 4000),
           deleted.DeliveryCount, deleted.EnqueuedAt
    INTO ops.DeadLetters (QueueName, Body, Error, Deliveries, FirstSeen)
    WHERE QueueName = @QueueName AND VisibleAfter <= @now AND DeliveryCount >= @max;

    WITH visible AS (
        SELECT TOP (@MaxMessages) MessageId, VisibleAfter, DeliveryCount, LeaseToken
        FROM ops.QueueMessages WITH (ROWLOCK, READPAST, UPDLOCK)
        WHERE QueueName = @QueueName AND VisibleAfter <= @now AND DeliveryCount < @max
        ORDER BY MessageId
    )
    UPDATE visible
    SET VisibleAfter = @until, DeliveryCount = DeliveryCount + 1, LeaseToken = CONVERT(VARCHAR(36), NEWID())
    OUTPUT inserted.MessageId, inserted.QueueName, inserted.Body, inserted.DeliveryCount, inserted.LeaseToken,
           inserted.EnqueuedAt
    INTO @taken (MessageId, QueueName, Body, DeliveryCount, LeaseToken, EnqueuedAt);

    SELECT MessageId, QueueName, Body, DeliveryCount, LOWER(LeaseToken) AS LeaseToken, EnqueuedAt
    FROM @taken
    ORDER BY MessageId;
END;
GO

-- Removes a leased message. Result: Done = 1, or 0 when the lease was lost.
CREATE OR ALTER PROCEDURE ops.sp_CompleteMessage
    @MessageId  BIGINT,
    @LeaseToken VARCHAR(36)
AS
BEGIN
    SET NOCOUNT ON;
    DELETE FROM ops.QueueMessages WHERE MessageId = @MessageId AND LeaseToken = UPPER(@LeaseToken);
    SELECT CAST(CASE WHEN @@ROWCOUNT = 1 THEN 1 ELSE 0 END AS BIT) AS Done;
END;
GO

-- Gives a leased message up with the @Error its handling failed with: visible again at once, or, on its last allowed
-- delivery (ops.fn_MaxDeliveries), moved to ops.DeadLetters with @Error. Result: Done = 1, or 0 when the lease was
-- lost.
CREATE OR ALTER PROCEDURE ops.sp_AbandonMessage
    @MessageId  BIGINT,
    @LeaseToken VARCHAR(36),
    @Error      NVARCHAR(4000) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @queue NVARCHAR(128), @deliveries INT, @done BIT = 0;
    BEGIN TRANSACTION;
    SELECT @queue = QueueName, @deliveries = DeliveryCount
    FROM ops.QueueMessages WITH (UPDLOCK, ROWLOCK)
    WHERE MessageId = @MessageId AND LeaseToken = UPPER(@LeaseToken);
    IF @queue IS NOT NULL
    BEGIN
        IF @deliveries >= ops.fn_MaxDeliveries(@queue)
            DELETE FROM ops.QueueMessages
            OUTPUT deleted.QueueName, deleted.Body, COALESCE(NULLIF(@Error, N''), N'no error given'),
                   deleted.DeliveryCount, deleted.EnqueuedAt
            INTO ops.DeadLetters (QueueName, Body, Error, Deliveries, FirstSeen)
            WHERE MessageId = @MessageId;
        ELSE
            UPDATE ops.QueueMessages
            SET VisibleAfter = SYSUTCDATETIME(), LeaseToken = NULL, LastError = @Error
            WHERE MessageId = @MessageId;
        SET @done = 1;
    END;
    COMMIT TRANSACTION;
    SELECT @done AS Done;
END;
GO

CREATE OR ALTER PROCEDURE ops.sp_QueueDepth
    @QueueName NVARCHAR(128)
AS
BEGIN
    SET NOCOUNT ON;
    IF @QueueName IS NULL OR LEN(@QueueName) = 0 OR LEN(@QueueName) > 128
        THROW 50400, N'a queue name is 1-128 characters', 1;
    SELECT COUNT_BIG(*) AS Depth FROM ops.QueueMessages WHERE QueueName = @QueueName;
END;
GO

-- API keys: looked up by hash before any tenant is known, so these procedures take the tenant as data.
CREATE OR ALTER PROCEDURE dbo.sp_CreateApiKey
    @TenantId           VARCHAR(64),
    @Name               NVARCHAR(128),
    @KeyHash            BINARY(32),
    @Scopes             VARCHAR(64),
    @RateLimitPerMinute INT,
    @ExpiresAt          DATETIME2(7) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @KeyId BIGINT;
    IF @KeyHash IS NULL OR DATALENGTH(@KeyHash) <> 32
        THROW 50400, N'a key hash is 32 bytes', 1;
    IF @Scopes IS NULL OR LEN(@Scopes) = 0
        THROW 50400, N'a key needs a hash and at least one scope', 1;
    IF @RateLimitPerMinute IS NULL OR @RateLimitPerMinute < 1
        THROW 50400, N'rateLimitPerMinute must be at least 1', 1;
    BEGIN TRY
        INSERT INTO dbo.TenantApiKeys (TenantId, Name, KeyHash, Scopes, RateLimitPerMinute, ExpiresAt)
        VALUES (@TenantId, @Name, @KeyHash, @Scopes, @RateLimitPerMinute, @ExpiresAt);
        SET @KeyId = SCOPE_IDENTITY();
    END TRY
    BEGIN CATCH
        IF ERROR_NUMBER() IN (2601, 2627)
            THROW 50409, N'that key is already registered', 1;
        THROW;
    END CATCH;
    SELECT KeyId, TenantId, Name, KeyHash, Scopes, RateLimitPerMinute, ExpiresAt, RevokedAt, CreatedAt
    FROM dbo.TenantApiKeys WHERE KeyId = @KeyId;
END;
GO

CREATE OR ALTER PROCEDURE dbo.sp_FindApiKeyByHash
    @KeyHash BINARY(32)
AS
BEGIN
    SET NOCOUNT ON;
    SELECT KeyId, TenantId, Name, KeyHash, Scopes, RateLimitPerMinute, ExpiresAt, RevokedAt, CreatedAt
    FROM dbo.TenantApiKeys WHERE KeyHash = @KeyHash;
END;
GO

-- Result: Revoked = 1, or 0 when there was no such key or it was revoked already.
CREATE OR ALTER PROCEDURE dbo.sp_RevokeApiKey
    @KeyId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    UPDATE dbo.TenantApiKeys SET RevokedAt = SYSUTCDATETIME() WHERE KeyId = @KeyId AND RevokedAt IS NULL;
    SELECT CAST(CASE WHEN @@ROWCOUNT = 1 THEN 1 ELSE 0 END AS BIT) AS Revoked;
END;
GO

CREATE OR ALTER PROCEDURE dbo.sp_ListApiKeys
AS
BEGIN
    SET NOCOUNT ON;
    SELECT KeyId, TenantId, Name, KeyHash, Scopes, RateLimitPerMinute, ExpiresAt, RevokedAt, CreatedAt
    FROM dbo.TenantApiKeys ORDER BY KeyId;
END;
GO

-- RUNNING jobs of every tenant: what a restarted ingest tier resumes.
CREATE OR ALTER PROCEDURE ops.sp_UnfinishedJobs
WITH EXECUTE AS 'hart_system'
AS
BEGIN
    SET NOCOUNT ON;
    SELECT JobId, TenantId, Modality, Name, State, ParentAtomId, ContentHash, ChunksCommitted, BytesDone, BytesTotal,
           DistinctAtoms, NewAtoms, Compositions, Error, SourcePath, ChildIndex, CreatedAt, UpdatedAt
    FROM dbo.IngestionJobs
    WHERE State = 'RUNNING'
    ORDER BY JobId;
END;
GO

-- Exact row counts of every table the embedded engine also has, under the same names (all tenants).
CREATE OR ALTER PROCEDURE ops.sp_RowCounts
WITH EXECUTE AS 'hart_system'
AS
BEGIN
    SET NOCOUNT ON;
    SELECT TableName, TableRows
    FROM (VALUES
        (1, N'Atoms', (SELECT COUNT_BIG(*) FROM dbo.Atoms)),
        (2, N'AtomOwners', (SELECT COUNT_BIG(*) FROM dbo.AtomOwners)),
        -- Positions, as the view of that name has rows: counted from the segments, not by expanding them.
        (3, N'AtomCompositions', (SELECT COALESCE(SUM(CAST(PositionCount AS BIGINT)), 0) FROM dbo.CompositionSegments)
                                 + (SELECT COUNT_BIG(*) FROM dbo.AtomCompositionRows)),
        (4, N'Models', (SELECT COUNT_BIG(*) FROM dbo.Models)),
        (5, N'ModelLayers', (SELECT COUNT_BIG(*) FROM dbo.ModelLayers)),
        (6, N'ModelLayersHistory', (SELECT COUNT_BIG(*) FROM dbo.ModelLayersHistory)),
        -- Weights and their history, as the views of those names have rows: counted from the segments.
        (7, N'TensorAtomCoefficients', (SELECT COALESCE(SUM(CAST(PositionCount AS BIGINT)), 0)
                                        FROM dbo.TensorSegments)),
        (8, N'TensorAtomCoefficientsHistory', (SELECT COALESCE(SUM(CAST(PositionCount AS BIGINT)), 0)
                                               FROM dbo.TensorSegmentsHistory)),
        (9, N'WeightSnapshots', (SELECT COUNT_BIG(*) FROM dbo.WeightSnapshots)),
        (10, N'AtomEmbeddings', (SELECT COUNT_BIG(*) FROM dbo.AtomEmbeddings)),
        (11, N'SpatialLandmarks', (SELECT COUNT_BIG(*) FROM dbo.SpatialLandmarks)),
        (12, N'AtomGraphNodes', (SELECT COUNT_BIG(*) FROM graph.AtomGraphNodes)),
        (13, N'AtomGraphEdges', (SELECT COUNT_BIG(*) FROM graph.AtomGraphEdges)),
        (14, N'IngestionJobs', (SELECT COUNT_BIG(*) FROM dbo.IngestionJobs)),
        (15, N'QueueMessages', (SELECT COUNT_BIG(*) FROM ops.QueueMessages)),
        (16, N'TenantApiKeys', (SELECT COUNT_BIG(*) FROM dbo.TenantApiKeys)),
        (17, N'UsageLedger', (SELECT COUNT_BIG(*) FROM billing.UsageLedger)
                             + (SELECT COUNT_BIG(*) FROM billing.UsageLedgerAnalytics)),
        (18, N'RatePlans', (SELECT COUNT_BIG(*) FROM billing.RatePlans)),
        (19, N'OperationRates', (SELECT COUNT_BIG(*) FROM billing.OperationRates)),
        (20, N'BillingMultipliers', (SELECT COUNT_BIG(*) FROM billing.BillingMultipliers)),
        (21, N'TenantRatePlans', (SELECT COUNT_BIG(*) FROM billing.TenantRatePlans)),
        (22, N'CompositionSegments', (SELECT COUNT_BIG(*) FROM dbo.CompositionSegments)),
        (23, N'CompositionDictionary', (SELECT COUNT_BIG(*) FROM dbo.CompositionDictionary)),
        (24, N'AtomCompositionRows', (SELECT COUNT_BIG(*) FROM dbo.AtomCompositionRows)),
        (25, N'TensorSegments', (SELECT COUNT_BIG(*) FROM dbo.TensorSegments)),
        (26, N'TensorSegmentsHistory', (SELECT COUNT_BIG(*) FROM dbo.TensorSegmentsHistory)),
        (27, N'TensorDictionary', (SELECT COUNT_BIG(*) FROM dbo.TensorDictionary))
    ) AS t (Position, TableName, TableRows)
    ORDER BY Position;
END;
GO
