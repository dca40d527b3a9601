-- Ingest procedures: jobs, model registration and chunk writes. Same semantics as the embedded engine's
-- EmbeddedIngestWrites / AtomUpserter / JobRemoval. Errors the engine maps to contract exceptions:
--   50400 invalid argument, 50401 no tenant in the session, 50404 not found (or not visible), 50409 conflict.
-- The tenant always comes from SESSION_CONTEXT(N'TenantId'), never from a parameter.

-- Starts a job for a file, or reports that the file is stored already (deduplicated) or being ingested now
-- (in progress). Runs as hart_system: file-level dedup must find the file whoever ingested it.
-- Result sets: 1) the job plus Deduplicated and InProgress flags, 2) the parent atom.
CREATE OR ALTER PROCEDURE dbo.sp_StartIngestionJob
    @Modality    VARCHAR(16),
    @Name        NVARCHAR(512),
    @ContentHash BINARY(32),
    @BytesTotal  BIGINT,
    @Metadata    NVARCHAR(MAX),
    @SourcePath  NVARCHAR(1024),
    @ChildIndex  INT
WITH EXECUTE AS 'hart_system'
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    DECLARE @message NVARCHAR(2048);
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;
    IF @Modality IS NULL OR @Modality NOT IN ('image', 'audio', 'model')
        THROW 50400, N'modality must be image, audio or model.', 1;
    IF @ContentHash IS NULL OR DATALENGTH(@ContentHash) <> 32
        THROW 50400, N'a file hash is exactly 32 bytes.', 1;
    IF @BytesTotal IS NULL OR @BytesTotal < 0
        THROW 50400, N'bytesTotal cannot be negative.', 1;

    DECLARE @ParentAtomId BIGINT, @ParentSubtype VARCHAR(16), @JobId BIGINT;
    DECLARE @Deduplicated BIT = 0, @InProgress BIT = 0;
    DECLARE @LatestJobId BIGINT, @LatestState VARCHAR(16), @LatestTenant VARCHAR(64);
    DECLARE @LatestDistinct BIGINT, @LatestCompositions BIGINT;

    BEGIN TRY
        BEGIN TRANSACTION;
        -- The key-range lock on the hash serialises concurrent starts of the same file.
        SELECT @ParentAtomId = AtomId, @ParentSubtype = Subtype
        FROM dbo.Atoms WITH (UPDLOCK, HOLDLOCK)
        WHERE ContentHash = @ContentHash;

        IF @ParentAtomId IS NULL
        BEGIN
            INSERT INTO dbo.Atoms (ContentHash, Modality, Subtype, AtomicValue, Metadata, ReferenceCount)
            VALUES (@ContentHash, @Modality, 'file', NULL, @Metadata, 0);
            SET @ParentAtomId = SCOPE_IDENTITY();
            INSERT INTO dbo.AtomOwners (TenantId, AtomId) VALUES (@TenantId, @ParentAtomId);
            INSERT INTO dbo.IngestionJobs (TenantId, Modality, Name, State, ParentAtomId, ContentHash, BytesTotal, SourcePath,
                                           ChildIndex)
            VALUES (@TenantId, @Modality, @Name, 'RUNNING', @ParentAtomId, @ContentHash, @BytesTotal, @SourcePath,
                    @ChildIndex);
            SET @JobId = SCOPE_IDENTITY();
        END
        ELSE
        BEGIN
            IF @ParentSubtype <> 'file'
            BEGIN
                SET @message = CONCAT(N'hash ', LOWER(CONVERT(VARCHAR(64), @ContentHash, 2)),
                                      N' belongs to a leaf atom, not a file');
                THROW 50400, @message, 1;
            END;

            -- A completed job wins over a running one; failed jobs do not count.
            SELECT TOP (1)
                @LatestJobId = JobId, @LatestState = State, @LatestTenant = TenantId,
                @LatestDistinct = DistinctAtoms, @LatestCompositions = Compositions
            FROM dbo.IngestionJobs WITH (UPDLOCK, HOLDLOCK)
            WHERE ParentAtomId = @ParentAtomId AND State <> 'FAILED'
            ORDER BY CASE State WHEN 'COMPLETED' THEN 0 ELSE 1 END, JobId;

            IF @LatestState = 'RUNNING'
            BEGIN
                IF @LatestTenant <> @TenantId
                    THROW 50409, N'the same file is being ingested right now; retry when that finishes', 1;
                SELECT @JobId = @LatestJobId, @InProgress = 1;
            END
            ELSE
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM dbo.AtomOwners WHERE AtomId = @ParentAtomId AND TenantId = @TenantId)
                    INSERT INTO dbo.AtomOwners (TenantId, AtomId) VALUES (@TenantId, @ParentAtomId);
                INSERT INTO dbo.IngestionJobs (
                    TenantId, Modality, Name, State, ParentAtomId, ContentHash, BytesDone, BytesTotal,
                    DistinctAtoms, NewAtoms, Compositions, SourcePath, ChildIndex)
                VALUES (
                    @TenantId, @Modality, @Name, 'COMPLETED', @ParentAtomId, @ContentHash, @BytesTotal, @BytesTotal,
                    COALESCE(@LatestDistinct, 0), 0, COALESCE(@LatestCompositions, 0), @SourcePath, @ChildIndex);
                SELECT @JobId = SCOPE_IDENTITY(), @Deduplicated = 1;
            END;
        END;
        COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0
            ROLLBACK TRANSACTION;
        THROW;
    END CATCH;

    SELECT JobId, TenantId, Modality, Name, State, ParentAtomId, ContentHash, ChunksCommitted, BytesDone, BytesTotal,
           DistinctAtoms, NewAtoms, Compositions, Error, SourcePath, ChildIndex, CreatedAt, UpdatedAt,
           @Deduplicated AS Deduplicated, @InProgress AS InProgress
    FROM dbo.IngestionJobs
    WHERE JobId = @JobId;

    SELECT AtomId, ContentHash, Modality, Subtype, AtomicValue, Metadata, ReferenceCount, CreatedAt
    FROM dbo.Atoms
    WHERE AtomId = @ParentAtomId;
END;
GO

-- A job of the session tenant, or nothing.
CREATE OR ALTER PROCEDURE dbo.sp_GetIngestionJob
    @JobId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;
    SELECT JobId, TenantId, Modality, Name, State, ParentAtomId, ContentHash, ChunksCommitted, BytesDone, BytesTotal,
           DistinctAtoms, NewAtoms, Compositions, Error, SourcePath, ChildIndex, CreatedAt, UpdatedAt
    FROM dbo.IngestionJobs
    WHERE JobId = @JobId AND TenantId = @TenantId;
END;
GO

-- Registers the model, its tensor table and its structure (NULL when not runnable) for a model job; a second call for
-- the same job returns the same model.
CREATE OR ALTER PROCEDURE dbo.sp_RegisterModel
    @JobId     BIGINT,
    @Name      NVARCHAR(256),
    @Format    VARCHAR(32),
    @Metadata  NVARCHAR(MAX),
    @Layers    dbo.ModelLayerType READONLY,
    @Structure VARBINARY(MAX) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    DECLARE @message NVARCHAR(2048), @State VARCHAR(16), @ParentAtomId BIGINT, @ModelId BIGINT;
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;

    BEGIN TRY
        BEGIN TRANSACTION;
        SELECT @State = State, @ParentAtomId = ParentAtomId
        FROM dbo.IngestionJobs WITH (UPDLOCK, HOLDLOCK)
        WHERE JobId = @JobId AND TenantId = @TenantId;
        IF @State IS NULL
        BEGIN
            SET @message = CONCAT(N'job ', @JobId, N' not found');
            THROW 50404, @message, 1;
        END;

        SELECT @ModelId = ModelId FROM dbo.Models WHERE JobId = @JobId;
        IF @ModelId IS NULL
        BEGIN
            IF @State <> 'RUNNING'
            BEGIN
                SET @message = CONCAT(N'job ', @JobId, N' is ', LOWER(@State), N' and takes no more writes');
                THROW 50409, @message, 1;
            END;
            INSERT INTO dbo.Models (ParentAtomId, JobId, Name, Format, TensorCount, ParameterCount, Metadata,
                                    Structure)
            SELECT @ParentAtomId, @JobId, @Name, @Format, COUNT(*), COALESCE(SUM(ElementCount), 0), @Metadata,
                   @Structure
            FROM @Layers;
            SET @ModelId = SCOPE_IDENTITY();
            INSERT INTO dbo.ModelLayers (ModelId, LayerIdx, Name, Shape, DType, StoredAs, ElementCount)
            SELECT @ModelId, LayerIdx, Name, Shape, DType, StoredAs, ElementCount
            FROM @Layers;
        END;
        COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0
            ROLLBACK TRANSACTION;
        THROW;
    END CATCH;

    SELECT ModelId, ParentAtomId, Name, Format, TensorCount, ParameterCount, Metadata, CreatedAt
    FROM dbo.Models
    WHERE ModelId = @ModelId;
END;
GO

-- The grids of a model job's tensors @FromLayer..@ToLayer, for the engine to cut a chunk's coefficient rows into
-- tensor segments before it stages them (dbo.sp_WriteChunk checks what it staged against the same grids). The job
-- must be the session tenant's, running and have its model registered, as dbo.sp_WriteChunk requires (same errors).
-- Result sets: 1) the job's ModelId; 2) LayerIdx, SizeX, SizeY, ElementCount of each registered tensor in the range.
CREATE OR ALTER PROCEDURE dbo.sp_GetTensorGrids
    @JobId     BIGINT,
    @FromLayer INT,
    @ToLayer   INT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    DECLARE @message NVARCHAR(2048), @State VARCHAR(16), @ModelId BIGINT;
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;
    SELECT @State = State FROM dbo.IngestionJobs WHERE JobId = @JobId AND TenantId = @TenantId;
    IF @State IS NULL
    BEGIN
        SET @message = CONCAT(N'job ', @JobId, N' not found');
        THROW 50404, @message, 1;
    END;
    IF @State <> 'RUNNING'
    BEGIN
        SET @message = CONCAT(N'job ', @JobId, N' is ', LOWER(@State), N' and takes no more writes');
        THROW 50409, @message, 1;
    END;
    SELECT @ModelId = ModelId FROM dbo.Models WHERE JobId = @JobId;
    IF @ModelId IS NULL
    BEGIN
        SET @message = CONCAT(N'job ', @JobId, N' has coefficient rows but no registered model');
        THROW 50409, @message, 1;
    END;
    SELECT @ModelId AS ModelId;
    SELECT l.LayerIdx, g.SizeX, g.SizeY, l.ElementCount
    FROM dbo.ModelLayers AS l
    CROSS APPLY dbo.fn_TensorGrid(l.Shape) AS g
    WHERE l.ModelId = @ModelId AND l.LayerIdx BETWEEN @FromLayer AND @ToLayer
    ORDER BY l.LayerIdx;
END;
GO

-- Merges one staged chunk (dbo.StagingAtoms / StagingSegments / StagingCompositions / StagingTensorSegments rows of
-- @BatchId) in ONE transaction together with the job's watermark:
--   * the chunk index must equal ChunksCommitted; a lower index is a replay (reported, nothing written), a higher
--     one is out of order (conflict);
--   * the staged segments are expanded (dbo.fn_SegmentPositions) to count their positions and check them: a
--     position is stored once, so a segment may not overlap another staged segment, a stored segment, a stored
--     or staged row (50409, as the row table's key reports a repeated row);
--   * the staged tensor segments must lie in tensors the model registered, with those tensors' grids, inside them,
--     and may not overlap each other or a stored segment (50409, as the row table's key reported a repeated row);
--   * atoms are merged WITH (HOLDLOCK) on ContentHash: new ones inserted, existing ones found, and every atom's
--     ReferenceCount grows by exactly the number of the chunk's positions and rows that point at it (atoms nothing
--     points at are left out, as on the embedded engine);
--   * the parent's dictionary: atoms it holds gain the chunk's segment occurrences, atoms new to it get the next
--     ordinals, MAX(Ordinal) + ROW_NUMBER() in the chunk's atom order (the job lock serialises the parent's chunks);
--     the model's dictionary likewise for the tensor segments' positions, under the model's tensor lock (weight
--     updates and rollbacks of the same model number values too; the lock is taken before the atoms are touched,
--     in the order those procedures take it);
--   * segments are stored with their positions' dictionary ordinals, repacked at the width their largest needs
--     (they were staged with chunk ordinals), tensor segments as current versions valid from now; composition rows
--     are inserted with atom ids;
--   * the watermark advances and the staged rows are deleted.
-- Result: ChunkIndex, AlreadyCommitted, DistinctAtoms, NewAtoms, CompositionRows (positions), CoefficientRows.
CREATE OR ALTER PROCEDURE dbo.sp_WriteChunk
    @JobId      BIGINT,
    @ChunkIndex INT,
    @BatchId    UNIQUEIDENTIFIER,
    @BytesDone  BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    DECLARE @message NVARCHAR(2048), @step VARCHAR(16) = 'job';
    DECLARE @State VARCHAR(16), @Committed INT, @ParentAtomId BIGINT, @ModelId BIGINT;
    DECLARE @AlreadyCommitted BIT = 0, @DistinctAtoms INT = 0, @NewAtoms INT = 0;
    DECLARE @CompositionRows BIGINT = 0, @CoefficientRows BIGINT = 0, @AtomCount INT, @NextOrdinal INT;
    DECLARE @tensorLock NVARCHAR(255), @lockResult INT, @Now DATETIME2(7);
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;

    CREATE TABLE #ChunkAtoms (
        Ordinal        INT           NOT NULL PRIMARY KEY NONCLUSTERED,
        ContentHash    BINARY(32)    NOT NULL UNIQUE CLUSTERED,
        Modality       VARCHAR(16)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        Subtype        VARCHAR(16)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        AtomicValue    VARBINARY(64) NOT NULL,
        ReferenceDelta BIGINT        NOT NULL,
        -- Of those references, the positions in segments: what the parent's dictionary counts.
        Occurrences    BIGINT        NOT NULL,
        -- And the positions in tensor segments: what the model's dictionary counts.
        TensorOccurrences BIGINT     NOT NULL,
        AtomId         BIGINT        NULL,
        IsNew          BIT           NOT NULL DEFAULT 0,
        ParentOrdinal  INT           NULL,
        ModelOrdinal   INT           NULL
    );
    CREATE TABLE #Merged (
        AtomId      BIGINT       NOT NULL,
        ContentHash BINARY(32)   NOT NULL,
        MergeAction NVARCHAR(10) NOT NULL
    );
    -- The staged segments' positions and the chunk ordinals they hold.
    CREATE TABLE #Positions (
        FirstSequence  BIGINT NOT NULL,
        PositionOffset INT    NOT NULL,
        AtomOrdinal    INT    NOT NULL,
        PRIMARY KEY CLUSTERED (FirstSequence, PositionOffset)
    );
    -- The staged tensor segments' positions and the chunk ordinals they hold.
    CREATE TABLE #TensorPositions (
        LayerIdx       INT    NOT NULL,
        FirstIndex     BIGINT NOT NULL,
        PositionOffset INT    NOT NULL,
        AtomOrdinal    INT    NOT NULL,
        PRIMARY KEY CLUSTERED (LayerIdx, FirstIndex, PositionOffset)
    );

    BEGIN TRY
        BEGIN TRANSACTION;
        -- Locking the job row serialises the chunks of one job and makes the watermark check race-free.
        SELECT @State = State, @Committed = ChunksCommitted, @ParentAtomId = ParentAtomId
        FROM dbo.IngestionJobs WITH (UPDLOCK, HOLDLOCK)
        WHERE JobId = @JobId AND TenantId = @TenantId;
        IF @State IS NULL
        BEGIN
            SET @message = CONCAT(N'job ', @JobId, N' not found');
            THROW 50404, @message, 1;
        END;
        IF @State <> 'RUNNING'
        BEGIN
            SET @message = CONCAT(N'job ', @JobId, N' is ', LOWER(@State), N' and takes no more writes');
            THROW 50409, @message, 1;
        END;

        IF @ChunkIndex < @Committed
        BEGIN
            SET @AlreadyCommitted = 1;
        END
        ELSE
        BEGIN
            IF @ChunkIndex > @Committed
            BEGIN
                SET @message = CONCAT(N'chunk ', @ChunkIndex, N' of job ', @JobId,
                                      N' is out of order: the next chunk is ', @Committed);
                THROW 50409, @message, 1;
            END;

            SET @step = 'validate';
            SELECT @AtomCount = COUNT(*) FROM dbo.StagingAtoms WHERE BatchId = @BatchId;
            IF EXISTS (SELECT 1 FROM dbo.StagingAtoms WHERE BatchId = @BatchId GROUP BY Ordinal HAVING COUNT(*) > 1)
                THROW 50400, N'the staged chunk repeats an atom ordinal', 1;
            SELECT TOP (1) @message = CONCAT(N'chunk ', @ChunkIndex, N' lists atom ',
                                             LOWER(CONVERT(VARCHAR(64), ContentHash, 2)),
                                             N' twice; a chunk''s atoms must be distinct')
            FROM dbo.StagingAtoms WHERE BatchId = @BatchId GROUP BY ContentHash HAVING COUNT(*) > 1;
            IF @@ROWCOUNT > 0
                THROW 50400, @message, 1;
            IF EXISTS (
                SELECT 1 FROM dbo.StagingSegments
                WHERE BatchId = @BatchId
                  AND (FirstSequence < 0 OR PositionCount NOT BETWEEN 1 AND 4096 OR Stride < 1
                       OR OrdinalWidth NOT BETWEEN 1 AND 4 OR DATALENGTH(Ordinals) <> PositionCount * OrdinalWidth))
                THROW 50400, N'a staged segment is malformed: it holds 1-4096 positions from a sequence index of at least 0, with a stride of at least 1 and 1-4 bytes per position', 1;
            -- In start order, a segment that begins before the previous one ends covers a position twice.
            IF EXISTS (
                SELECT 1
                FROM (
                    SELECT FirstSequence,
                           LAG(FirstSequence + PositionCount) OVER (ORDER BY FirstSequence) AS PreviousEnd
                    FROM dbo.StagingSegments
                    WHERE BatchId = @BatchId
                ) AS o
                WHERE o.FirstSequence < o.PreviousEnd)
                THROW 50409, N'a composition row repeats a position that is already stored', 1;

            -- Tensor segments: well formed, in tensors the model registered (with their grids, inside them), and no
            -- element twice, neither in the chunk nor against a stored segment of the same block (a segment lies
            -- inside one aligned block of 4,096, so only those can reach it).
            IF EXISTS (
                SELECT 1 FROM dbo.StagingTensorSegments
                WHERE BatchId = @BatchId
                  AND (FirstIndex < 0 OR PositionCount NOT BETWEEN 1 AND 4096
                       OR FirstIndex / 4096 <> (FirstIndex + PositionCount - 1) / 4096
                       OR OrdinalWidth NOT BETWEEN 1 AND 4 OR DATALENGTH(Ordinals) <> PositionCount * OrdinalWidth))
                THROW 50400, N'a staged tensor segment is malformed: it holds 1-4096 consecutive elements inside one aligned block of 4096, at 1-4 bytes per element', 1;
            IF EXISTS (SELECT 1 FROM dbo.StagingTensorSegments WHERE BatchId = @BatchId)
            BEGIN
                SELECT @ModelId = ModelId FROM dbo.Models WHERE JobId = @JobId;
                IF @ModelId IS NULL
                BEGIN
                    SET @message = CONCAT(N'job ', @JobId, N' has coefficient rows but no registered model');
                    THROW 50409, @message, 1;
                END;
                SELECT TOP (1) @message = CONCAT(N'a coefficient row names tensor ', n.LayerIdx, N', which model ',
                                                 @ModelId, N' did not register')
                FROM dbo.StagingTensorSegments AS n
                WHERE n.BatchId = @BatchId
                  AND NOT EXISTS (SELECT 1 FROM dbo.ModelLayers AS l
                                  WHERE l.ModelId = @ModelId AND l.LayerIdx = n.LayerIdx)
                ORDER BY n.LayerIdx;
                IF @@ROWCOUNT > 0
                    THROW 50409, @message, 1;
                SELECT TOP (1) @message = CONCAT(N'a coefficient row lies outside tensor ', n.LayerIdx, N' (',
                                                 l.ElementCount, N' elements, innermost extents ', g.SizeX, N' x ',
                                                 g.SizeY, N')')
                FROM dbo.StagingTensorSegments AS n
                INNER JOIN dbo.ModelLayers AS l ON l.ModelId = @ModelId AND l.LayerIdx = n.LayerIdx
                CROSS APPLY dbo.fn_TensorGrid(l.Shape) AS g
                WHERE n.BatchId = @BatchId
                  AND (n.SizeX <> g.SizeX OR n.SizeY <> g.SizeY OR n.FirstIndex + n.PositionCount > l.ElementCount)
                ORDER BY n.LayerIdx, n.FirstIndex;
                IF @@ROWCOUNT > 0
                    THROW 50409, @message, 1;
                IF EXISTS (
                    SELECT 1
                    FROM (
                        SELECT FirstIndex,
                               LAG(FirstIndex + PositionCount) OVER (PARTITION BY LayerIdx ORDER BY FirstIndex)
                                   AS PreviousEnd
                        FROM dbo.StagingTensorSegments
                        WHERE BatchId = @BatchId
                    ) AS o
                    WHERE o.FirstIndex < o.PreviousEnd)
                    OR EXISTS (
                        SELECT 1
                        FROM dbo.StagingTensorSegments AS n
                        INNER JOIN dbo.TensorSegments AS s
                            ON s.ModelId = @ModelId AND s.LayerIdx = n.LayerIdx
                           AND s.FirstIndex >= n.FirstIndex - n.FirstIndex % 4096
                           AND s.FirstIndex < n.FirstIndex + n.PositionCount
                           AND s.FirstIndex + s.PositionCount > n.FirstIndex
                        WHERE n.BatchId = @BatchId)
                    THROW 50409, N'a coefficient row repeats a position that is already stored', 1;

                INSERT INTO #TensorPositions (LayerIdx, FirstIndex, PositionOffset, AtomOrdinal)
                SELECT s.LayerIdx, s.FirstIndex, p.PositionOffset, p.Ordinal
                FROM dbo.StagingTensorSegments AS s
                CROSS APPLY dbo.fn_TensorPositions(s.FirstIndex, s.SizeX, s.SizeY, s.OrdinalWidth, s.Ordinals, 0,
                                                   s.PositionCount - 1) AS p
                WHERE s.BatchId = @BatchId;
            END;

            INSERT INTO #Positions (FirstSequence, PositionOffset, AtomOrdinal)
            SELECT s.FirstSequence, p.PositionOffset, p.Ordinal
            FROM dbo.StagingSegments AS s
            CROSS APPLY dbo.fn_SegmentPositions(s.FirstSequence, s.Stride, s.ColumnMajor, s.OrdinalWidth, s.Ordinals,
                                                0, s.PositionCount - 1) AS p
            WHERE s.BatchId = @BatchId;

            SELECT TOP (1) @message = CONCAT(N'row refers to atom ordinal ', r.AtomOrdinal, N' but the chunk has ',
                                             @AtomCount, N' atoms')
            FROM (
                SELECT AtomOrdinal FROM #Positions
                UNION ALL
                SELECT AtomOrdinal FROM dbo.StagingCompositions WHERE BatchId = @BatchId
                UNION ALL
                SELECT AtomOrdinal FROM #TensorPositions
            ) AS r
            WHERE NOT EXISTS (
                SELECT 1 FROM dbo.StagingAtoms AS a WHERE a.BatchId = @BatchId AND a.Ordinal = r.AtomOrdinal);
            IF @@ROWCOUNT > 0
                THROW 50400, @message, 1;

            -- A position is stored once: staged segments against stored segments (those starting up to 4,095
            -- before can reach in), stored rows and staged rows; staged rows against stored segments. Rows against
            -- rows is the row table's key.
            IF EXISTS (
                SELECT 1
                FROM dbo.StagingSegments AS n
                WHERE n.BatchId = @BatchId
                  AND (EXISTS (SELECT 1 FROM dbo.CompositionSegments AS s
                               WHERE s.ParentAtomId = @ParentAtomId
                                 AND s.FirstSequence > n.FirstSequence - 4096
                                 AND s.FirstSequence < n.FirstSequence + n.PositionCount
                                 AND s.FirstSequence + s.PositionCount > n.FirstSequence)
                       OR EXISTS (SELECT 1 FROM dbo.AtomCompositionRows AS r
                                  WHERE r.ParentAtomId = @ParentAtomId
                                    AND r.SequenceIndex >= n.FirstSequence
                                    AND r.SequenceIndex < n.FirstSequence + n.PositionCount)
                       OR EXISTS (SELECT 1 FROM dbo.StagingCompositions AS c
                                  WHERE c.BatchId = @BatchId
                                    AND c.SequenceIndex >= n.FirstSequence
                                    AND c.SequenceIndex < n.FirstSequence + n.PositionCount)))
                OR EXISTS (
                    SELECT 1
                    FROM dbo.StagingCompositions AS c
                    WHERE c.BatchId = @BatchId
                      AND EXISTS (SELECT 1 FROM dbo.CompositionSegments AS s
                                  WHERE s.ParentAtomId = @ParentAtomId
                                    AND s.FirstSequence > c.SequenceIndex - 4096
                                    AND s.FirstSequence <= c.SequenceIndex
                                    AND s.FirstSequence + s.PositionCount > c.SequenceIndex))
                THROW 50409, N'a composition row repeats a position that is already stored', 1;

            SELECT @CompositionRows = (SELECT COUNT_BIG(*) FROM #Positions)
                + (SELECT COUNT_BIG(*) FROM dbo.StagingCompositions WHERE BatchId = @BatchId);
            SELECT @CoefficientRows = COUNT_BIG(*) FROM #TensorPositions;
            IF @CoefficientRows > 0
            BEGIN
                -- The model's tensor lock (sp_UpdateWeights): before the atoms, in the order every holder takes it.
                SET @tensorLock = CONCAT(N'hart.tensors.', @ModelId);
                EXEC @lockResult = sys.sp_getapplock @Resource = @tensorLock, @LockMode = 'Exclusive',
                                                     @LockOwner = 'Transaction', @LockTimeout = 60000;
                IF @lockResult < 0
                BEGIN
                    SET @message = CONCAT(N'model ', @ModelId, N': timed out waiting for a weight update to finish');
                    THROW 50409, @message, 1;
                END;
            END;

            -- Exactly how many of the chunk's positions and rows point at each atom.
            SET @step = 'atoms';
            INSERT INTO #ChunkAtoms (Ordinal, ContentHash, Modality, Subtype, AtomicValue, ReferenceDelta, Occurrences,
                                     TensorOccurrences)
            SELECT a.Ordinal, a.ContentHash, a.Modality, a.Subtype, a.AtomicValue, r.ReferenceDelta, r.Occurrences,
                   r.TensorOccurrences
            FROM dbo.StagingAtoms AS a
            INNER JOIN (
                SELECT x.AtomOrdinal, COUNT_BIG(*) AS ReferenceDelta, SUM(x.InSegment) AS Occurrences,
                       SUM(x.InTensor) AS TensorOccurrences
                FROM (
                    SELECT AtomOrdinal, CAST(1 AS BIGINT) AS InSegment, CAST(0 AS BIGINT) AS InTensor
                    FROM #Positions
                    UNION ALL
                    SELECT AtomOrdinal, 0, 0 FROM dbo.StagingCompositions WHERE BatchId = @BatchId
                    UNION ALL
                    SELECT AtomOrdinal, 0, 1 FROM #TensorPositions
                ) AS x
                GROUP BY x.AtomOrdinal
            ) AS r ON r.AtomOrdinal = a.Ordinal
            WHERE a.BatchId = @BatchId;

            -- HOLDLOCK makes the match-or-insert atomic under concurrent chunks sharing atoms; the source is
            -- clustered on ContentHash so writers take their locks in the same order.
            MERGE dbo.Atoms WITH (HOLDLOCK) AS t
            USING #ChunkAtoms AS s
                ON t.ContentHash = s.ContentHash
            WHEN MATCHED THEN
                UPDATE SET ReferenceCount = t.ReferenceCount + s.ReferenceDelta
            WHEN NOT MATCHED BY TARGET THEN
                INSERT (ContentHash, Modality, Subtype, AtomicValue, ReferenceCount)
                VALUES (s.ContentHash, s.Modality, s.Subtype, s.AtomicValue, s.ReferenceDelta)
            OUTPUT inserted.AtomId, inserted.ContentHash, $action INTO #Merged (AtomId, ContentHash, MergeAction);

            UPDATE c
            SET AtomId = m.AtomId, IsNew = CASE WHEN m.MergeAction = N'INSERT' THEN 1 ELSE 0 END
            FROM #ChunkAtoms AS c
            INNER JOIN #Merged AS m ON m.ContentHash = c.ContentHash;

            SELECT @DistinctAtoms = COUNT(*), @NewAtoms = COALESCE(SUM(CAST(IsNew AS INT)), 0) FROM #ChunkAtoms;

            -- The parent's dictionary: atoms it holds keep their ordinal, new ones are numbered on.
            SET @step = 'dictionary';
            UPDATE c
            SET ParentOrdinal = d.Ordinal
            FROM #ChunkAtoms AS c
            INNER JOIN dbo.CompositionDictionary AS d ON d.ParentAtomId = @ParentAtomId AND d.AtomId = c.AtomId
            WHERE c.Occurrences > 0;

            SELECT @NextOrdinal = COALESCE(MAX(Ordinal), -1) + 1
            FROM dbo.CompositionDictionary
            WHERE ParentAtomId = @ParentAtomId;

            UPDATE c
            SET ParentOrdinal = @NextOrdinal + n.OrdinalRank - 1
            FROM #ChunkAtoms AS c
            INNER JOIN (
                SELECT Ordinal, ROW_NUMBER() OVER (ORDER BY Ordinal) AS OrdinalRank
                FROM #ChunkAtoms
                WHERE Occurrences > 0 AND ParentOrdinal IS NULL
            ) AS n ON n.Ordinal = c.Ordinal;

            UPDATE d
            SET Occurrences = d.Occurrences + c.Occurrences
            FROM dbo.CompositionDictionary AS d
            INNER JOIN #ChunkAtoms AS c ON c.ParentOrdinal = d.Ordinal
            WHERE d.ParentAtomId = @ParentAtomId AND c.Occurrences > 0 AND c.ParentOrdinal < @NextOrdinal;

            INSERT INTO dbo.CompositionDictionary (ParentAtomId, Ordinal, AtomId, Occurrences)
            SELECT @ParentAtomId, ParentOrdinal, AtomId, Occurrences
            FROM #ChunkAtoms
            WHERE Occurrences > 0 AND ParentOrdinal >= @NextOrdinal;

            SET @step = 'compositions';
            INSERT INTO dbo.CompositionSegments (ParentAtomId, FirstSequence, PositionCount, Stride, ColumnMajor,
                                                 MinX, MaxX, MinY, MaxY, OrdinalWidth, Ordinals)
            SELECT @ParentAtomId, s.FirstSequence, s.PositionCount, s.Stride, s.ColumnMajor,
                   e.MinX, e.MaxX, e.MinY, e.MaxY, w.OrdinalWidth, k.Ordinals
            FROM dbo.StagingSegments AS s
            CROSS APPLY dbo.fn_SegmentExtent(s.FirstSequence, s.PositionCount, s.Stride, s.ColumnMajor) AS e
            CROSS APPLY (
                SELECT MAX(c.ParentOrdinal) AS MaxOrdinal
                FROM #Positions AS p
                INNER JOIN #ChunkAtoms AS c ON c.Ordinal = p.AtomOrdinal
                WHERE p.FirstSequence = s.FirstSequence
            ) AS m
            CROSS APPLY dbo.fn_OrdinalWidth(m.MaxOrdinal) AS w
            CROSS APPLY (
                SELECT CONVERT(VARBINARY(MAX),
                               STRING_AGG(h.Hex, '') WITHIN GROUP (ORDER BY p.PositionOffset), 2) AS Ordinals
                FROM #Positions AS p
                INNER JOIN #ChunkAtoms AS c ON c.Ordinal = p.AtomOrdinal
                CROSS APPLY dbo.fn_OrdinalHex(c.ParentOrdinal, w.OrdinalWidth) AS h
                WHERE p.FirstSequence = s.FirstSequence
            ) AS k
            WHERE s.BatchId = @BatchId;

            INSERT INTO dbo.AtomCompositionRows (ParentAtomId, ComponentAtomId, SequenceIndex, PositionX, PositionY)
            SELECT @ParentAtomId, a.AtomId, c.SequenceIndex, c.PositionX, c.PositionY
            FROM dbo.StagingCompositions AS c
            INNER JOIN #ChunkAtoms AS a ON a.Ordinal = c.AtomOrdinal
            WHERE c.BatchId = @BatchId;

            IF @CoefficientRows > 0
            BEGIN
                -- The model's dictionary, as the parent's above: known atoms keep their ordinal, new ones are
                -- numbered on in the chunk's atom order.
                SET @step = 'coefficients';
                UPDATE c
                SET ModelOrdinal = d.Ordinal
                FROM #ChunkAtoms AS c
                INNER JOIN dbo.TensorDictionary AS d ON d.ModelId = @ModelId AND d.AtomId = c.AtomId
                WHERE c.TensorOccurrences > 0;

                SELECT @NextOrdinal = COALESCE(MAX(Ordinal), -1) + 1
                FROM dbo.TensorDictionary
                WHERE ModelId = @ModelId;

                UPDATE c
                SET ModelOrdinal = @NextOrdinal + n.OrdinalRank - 1
                FROM #ChunkAtoms AS c
                INNER JOIN (
                    SELECT Ordinal, ROW_NUMBER() OVER (ORDER BY Ordinal) AS OrdinalRank
                    FROM #ChunkAtoms
                    WHERE TensorOccurrences > 0 AND ModelOrdinal IS NULL
                ) AS n ON n.Ordinal = c.Ordinal;

                UPDATE d
                SET Occurrences = d.Occurrences + c.TensorOccurrences
                FROM dbo.TensorDictionary AS d
                INNER JOIN #ChunkAtoms AS c ON c.ModelOrdinal = d.Ordinal
                WHERE d.ModelId = @ModelId AND c.TensorOccurrences > 0 AND c.ModelOrdinal < @NextOrdinal;

                INSERT INTO dbo.TensorDictionary (ModelId, Ordinal, AtomId, Occurrences)
                SELECT @ModelId, ModelOrdinal, AtomId, TensorOccurrences
                FROM #ChunkAtoms
                WHERE TensorOccurrences > 0 AND ModelOrdinal >= @NextOrdinal;

                -- Current versions, valid from now; the segment's grid is its tensor's (checked above).
                SET @Now = SYSUTCDATETIME();
                INSERT INTO dbo.TensorSegments (ModelId, LayerIdx, FirstIndex, PositionCount, SizeX, SizeY,
                                                OrdinalWidth, Ordinals, ValidFrom)
                SELECT @ModelId, s.LayerIdx, s.FirstIndex, s.PositionCount, s.SizeX, s.SizeY, w.OrdinalWidth,
                       k.Ordinals, @Now
                FROM dbo.StagingTensorSegments AS s
                CROSS APPLY (
                    SELECT MAX(c.ModelOrdinal) AS MaxOrdinal
                    FROM #TensorPositions AS p
                    INNER JOIN #ChunkAtoms AS c ON c.Ordinal = p.AtomOrdinal
                    WHERE p.LayerIdx = s.LayerIdx AND p.FirstIndex = s.FirstIndex
                ) AS m
                CROSS APPLY dbo.fn_OrdinalWidth(m.MaxOrdinal) AS w
                CROSS APPLY (
                    SELECT CONVERT(VARBINARY(MAX),
                                   STRING_AGG(h.Hex, '') WITHIN GROUP (ORDER BY p.PositionOffset), 2) AS Ordinals
                    FROM #TensorPositions AS p
                    INNER JOIN #ChunkAtoms AS c ON c.Ordinal = p.AtomOrdinal
                    CROSS APPLY dbo.fn_OrdinalHex(c.ModelOrdinal, w.OrdinalWidth) AS h
                    WHERE p.LayerIdx = s.LayerIdx AND p.FirstIndex = s.FirstIndex
                ) AS k
                WHERE s.BatchId = @BatchId;
            END;

            SET @step = 'watermark';
            UPDATE dbo.IngestionJobs
            SET ChunksCommitted = @ChunkIndex + 1,
                BytesDone = CASE WHEN BytesDone > @BytesDone THEN BytesDone ELSE @BytesDone END,
                NewAtoms = NewAtoms + @NewAtoms,
                Compositions = Compositions + @CompositionRows + @CoefficientRows,
                UpdatedAt = SYSUTCDATETIME()
            WHERE JobId = @JobId;
        END;

        DELETE FROM dbo.StagingAtoms WHERE BatchId = @BatchId;
        DELETE FROM dbo.StagingSegments WHERE BatchId = @BatchId;
        DELETE FROM dbo.StagingCompositions WHERE BatchId = @BatchId;
        DELETE FROM dbo.StagingTensorSegments WHERE BatchId = @BatchId;
        COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0
            ROLLBACK TRANSACTION;
        -- The staged rows were loaded outside the transaction: drop them so a failed attempt leaves nothing.
        DELETE FROM dbo.StagingAtoms WHERE BatchId = @BatchId;
        DELETE FROM dbo.StagingSegments WHERE BatchId = @BatchId;
        DELETE FROM dbo.StagingCompositions WHERE BatchId = @BatchId;
        DELETE FROM dbo.StagingTensorSegments WHERE BatchId = @BatchId;
        IF ERROR_NUMBER() IN (2601, 2627) AND @step IN ('compositions', 'coefficients')
        BEGIN
            SET @message = CONCAT(N'a ', CASE @step WHEN 'compositions' THEN N'composition' ELSE N'coefficient' END,
                                  N' row repeats a position that is already stored');
            THROW 50409, @message, 1;
        END;
        THROW;
    END CATCH;

    IF @AlreadyCommitted = 1
        SELECT @ChunkIndex AS ChunkIndex, CAST(1 AS BIT) AS AlreadyCommitted, 0 AS DistinctAtoms, 0 AS NewAtoms,
               CAST(0 AS BIGINT) AS CompositionRows, CAST(0 AS BIGINT) AS CoefficientRows;
    ELSE
        SELECT @ChunkIndex AS ChunkIndex, CAST(0 AS BIT) AS AlreadyCommitted, @DistinctAtoms AS DistinctAtoms,
               @NewAtoms AS NewAtoms, @CompositionRows AS CompositionRows, @CoefficientRows AS CoefficientRows;
END;
GO

-- The same merge for callers that pass the chunk as table-valued parameters instead of bulk-loading staging.
CREATE OR ALTER PROCEDURE dbo.sp_WriteChunkFromTables
    @JobId        BIGINT,
    @ChunkIndex   INT,
    @BytesDone    BIGINT,
    @Atoms        dbo.AtomChunkType READONLY,
    @Segments     dbo.SegmentChunkType READONLY,
    @Compositions   dbo.CompositionChunkType READONLY,
    @TensorSegments dbo.TensorSegmentChunkType READONLY
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @BatchId UNIQUEIDENTIFIER = NEWID();
    INSERT INTO dbo.StagingAtoms (BatchId, JobId, Ordinal, ContentHash, Modality, Subtype, AtomicValue)
    SELECT @BatchId, @JobId, Ordinal, ContentHash, Modality, Subtype, AtomicValue FROM @Atoms;
    INSERT INTO dbo.StagingSegments (BatchId, JobId, FirstSequence, PositionCount, Stride, ColumnMajor, OrdinalWidth,
                                     Ordinals)
    SELECT @BatchId, @JobId, FirstSequence, PositionCount, Stride, ColumnMajor, OrdinalWidth, Ordinals FROM @Segments;
    INSERT INTO dbo.StagingCompositions (BatchId, JobId, SequenceIndex, PositionX, PositionY, AtomOrdinal)
    SELECT @BatchId, @JobId, SequenceIndex, PositionX, PositionY, AtomOrdinal FROM @Compositions;
    INSERT INTO dbo.StagingTensorSegments (BatchId, JobId, LayerIdx, FirstIndex, PositionCount, SizeX, SizeY,
                                           OrdinalWidth, Ordinals)
    SELECT @BatchId, @JobId, LayerIdx, FirstIndex, PositionCount, SizeX, SizeY, OrdinalWidth, Ordinals
    FROM @TensorSegments;
    EXEC dbo.sp_WriteChunk @JobId = @JobId, @ChunkIndex = @ChunkIndex, @BatchId = @BatchId, @BytesDone = @BytesDone;
END;
GO

-- Completes a running job: counts its distinct atoms, stores the final file metadata, marks it COMPLETED.
-- Completing a completed job returns it unchanged.
CREATE OR ALTER PROCEDURE dbo.sp_CompleteIngestionJob
    @JobId    BIGINT,
    @Metadata NVARCHAR(MAX)
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    DECLARE @message NVARCHAR(2048), @State VARCHAR(16), @ParentAtomId BIGINT, @ModelId BIGINT;
    DECLARE @Distinct BIGINT = 0;
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;

    BEGIN TRY
        BEGIN TRANSACTION;
        SELECT @State = State, @ParentAtomId = ParentAtomId
        FROM dbo.IngestionJobs WITH (UPDLOCK, HOLDLOCK)
        WHERE JobId = @JobId AND TenantId = @TenantId;
        IF @State IS NULL
        BEGIN
            SET @message = CONCAT(N'job ', @JobId, N' not found');
            THROW 50404, @message, 1;
        END;
        IF @State = 'RUNNING'
        BEGIN
            -- The dictionary holds each distinct atom of the segments once; the row table may repeat them.
            SELECT @Distinct = COUNT_BIG(*)
            FROM (
                SELECT AtomId FROM dbo.CompositionDictionary WHERE ParentAtomId = @ParentAtomId
                UNION
                SELECT ComponentAtomId FROM dbo.AtomCompositionRows WHERE ParentAtomId = @ParentAtomId
            ) AS u;
            SELECT @ModelId = ModelId FROM dbo.Models WHERE JobId = @JobId;
            -- The model's dictionary holds each distinct weight value once.
            IF @ModelId IS NOT NULL
                SELECT @Distinct = @Distinct + COUNT_BIG(*)
                FROM dbo.TensorDictionary WHERE ModelId = @ModelId AND Occurrences > 0;
            IF @Metadata IS NOT NULL
                UPDATE dbo.Atoms SET Metadata = @Metadata WHERE AtomId = @ParentAtomId;
            UPDATE dbo.IngestionJobs
            SET State = 'COMPLETED', DistinctAtoms = @Distinct, BytesDone = BytesTotal, UpdatedAt = SYSUTCDATETIME()
            WHERE JobId = @JobId;
            DELETE FROM dbo.StagingAtoms WHERE JobId = @JobId;
            DELETE FROM dbo.StagingSegments WHERE JobId = @JobId;
            DELETE FROM dbo.StagingCompositions WHERE JobId = @JobId;
            DELETE FROM dbo.StagingTensorSegments WHERE JobId = @JobId;
        END
        ELSE IF @State <> 'COMPLETED'
        BEGIN
            SET @message = CONCAT(N'job ', @JobId, N' is ', LOWER(@State), N' and takes no more writes');
            THROW 50409, @message, 1;
        END;
        COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0
            ROLLBACK TRANSACTION;
        THROW;
    END CATCH;

    EXEC dbo.sp_GetIngestionJob @JobId = @JobId;
END;
GO

-- Fails a running job and removes every row it wrote: reference counts go back down by exactly what the job
-- added, leaf atoms nothing points at any more (and no model's dictionary lists, which weight history points into)
-- are deleted, then the job's composition segments, dictionary and rows, tensor segments with their versions and
-- the model's dictionary, layers, model, provenance nodes and - if nothing else points at it - its parent.
-- Runs as hart_system: whether an atom is still needed is a question about every tenant's rows. The tenant check
-- on the job is therefore explicit.
-- A failed job's layer rows must not linger as history either, so for a model job dbo.ModelLayers has system
-- versioning switched off for the delete and back on after it, inside the same transaction (Microsoft's documented
-- way to remove history); other sessions wait on the schema lock meanwhile. Tensor versions are ordinary rows.
CREATE OR ALTER PROCEDURE dbo.sp_FailIngestionJob
    @JobId BIGINT,
    @Error NVARCHAR(MAX)
WITH EXECUTE AS 'hart_system'
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @TenantId VARCHAR(64) = CAST(SESSION_CONTEXT(N'TenantId') AS VARCHAR(64));
    DECLARE @message NVARCHAR(2048), @State VARCHAR(16), @ParentAtomId BIGINT, @ModelId BIGINT;
    DECLARE @ErrorText NVARCHAR(4000) = CASE WHEN @Error IS NULL THEN N'failed' ELSE LEFT(@Error, 4000) END;
    DECLARE @tensorLock NVARCHAR(255), @lockResult INT;
    IF @TenantId IS NULL
        THROW 50401, N'No tenant is set: call sp_set_session_context @key = N''TenantId'' first.', 1;
    CREATE TABLE #ModelAtoms (AtomId BIGINT NOT NULL PRIMARY KEY);

    BEGIN TRY
        BEGIN TRANSACTION;
        SELECT @State = State, @ParentAtomId = ParentAtomId
        FROM dbo.IngestionJobs WITH (UPDLOCK, HOLDLOCK)
        WHERE JobId = @JobId AND TenantId = @TenantId;
        IF @State IS NULL
        BEGIN
            SET @message = CONCAT(N'job ', @JobId, N' not found');
            THROW 50404, @message, 1;
        END;
        IF @State = 'COMPLETED'
        BEGIN
            SET @message = CONCAT(N'job ', @JobId, N' already completed; it cannot fail now');
            THROW 50409, @message, 1;
        END;

        IF @State = 'RUNNING'
        BEGIN
            SELECT @ModelId = ModelId FROM dbo.Models WHERE JobId = @JobId;

            -- Compositions: release exactly what the positions added (the dictionary counts the segments'
            -- positions per atom, rows count one each), delete orphans, delete segments, dictionary and rows.
            UPDATE a
            SET ReferenceCount = a.ReferenceCount - r.N
            FROM dbo.Atoms AS a
            INNER JOIN (
                SELECT x.AtomId, SUM(x.N) AS N
                FROM (
                    SELECT AtomId, Occurrences AS N
                    FROM dbo.CompositionDictionary
                    WHERE ParentAtomId = @ParentAtomId
                    UNION ALL
                    SELECT ComponentAtomId, COUNT_BIG(*)
                    FROM dbo.AtomCompositionRows
                    WHERE ParentAtomId = @ParentAtomId
                    GROUP BY ComponentAtomId
                ) AS x
                GROUP BY x.AtomId
            ) AS r ON r.AtomId = a.AtomId;

            DELETE a
            FROM dbo.Atoms AS a
            WHERE a.ReferenceCount = 0 AND a.Subtype <> 'file'
              AND (a.AtomId IN (SELECT AtomId FROM dbo.CompositionDictionary WHERE ParentAtomId = @ParentAtomId)
                   OR a.AtomId IN (SELECT ComponentAtomId FROM dbo.AtomCompositionRows
                                   WHERE ParentAtomId = @ParentAtomId))
              AND NOT EXISTS (SELECT 1 FROM dbo.TensorDictionary AS d WHERE d.AtomId = a.AtomId);

            DELETE FROM dbo.CompositionSegments WHERE ParentAtomId = @ParentAtomId;
            DELETE FROM dbo.CompositionDictionary WHERE ParentAtomId = @ParentAtomId;
            DELETE FROM dbo.AtomCompositionRows WHERE ParentAtomId = @ParentAtomId;

            IF @ModelId IS NOT NULL
            BEGIN
                -- Weights: the model's dictionary counts the current positions per atom, which is exactly what
                -- they added. Then the segments, their versions and the dictionary go, and of the atoms it listed
                -- those nothing references or lists any longer (the model's own entries gone first).
                SET @tensorLock = CONCAT(N'hart.tensors.', @ModelId);
                EXEC @lockResult = sys.sp_getapplock @Resource = @tensorLock, @LockMode = 'Exclusive',
                                                     @LockOwner = 'Transaction', @LockTimeout = 60000;
                IF @lockResult < 0
                BEGIN
                    SET @message = CONCAT(N'model ', @ModelId, N': timed out waiting for a weight update to finish');
                    THROW 50409, @message, 1;
                END;
                UPDATE a
                SET ReferenceCount = a.ReferenceCount - d.Occurrences
                FROM dbo.Atoms AS a
                INNER JOIN dbo.TensorDictionary AS d ON d.AtomId = a.AtomId
                WHERE d.ModelId = @ModelId AND d.Occurrences > 0;

                INSERT INTO #ModelAtoms (AtomId)
                SELECT AtomId FROM dbo.TensorDictionary WHERE ModelId = @ModelId;
                DELETE FROM dbo.TensorSegments WHERE ModelId = @ModelId;
                DELETE FROM dbo.TensorSegmentsHistory WHERE ModelId = @ModelId;
                DELETE FROM dbo.TensorDictionary WHERE ModelId = @ModelId;

                DELETE a
                FROM dbo.Atoms AS a
                WHERE a.ReferenceCount = 0 AND a.Subtype <> 'file'
                  AND a.AtomId IN (SELECT AtomId FROM #ModelAtoms)
                  AND NOT EXISTS (SELECT 1 FROM dbo.TensorDictionary AS d WHERE d.AtomId = a.AtomId);

                ALTER TABLE dbo.ModelLayers SET (SYSTEM_VERSIONING = OFF);
                DELETE FROM dbo.ModelLayers WHERE ModelId = @ModelId;
                EXEC sys.sp_executesql
                    N'DELETE FROM dbo.ModelLayersHistory WHERE ModelId = @ModelId;',
                    N'@ModelId BIGINT', @ModelId = @ModelId;
                ALTER TABLE dbo.ModelLayers SET (
                    SYSTEM_VERSIONING = ON (HISTORY_TABLE = dbo.ModelLayersHistory, DATA_CONSISTENCY_CHECK = OFF));

                DELETE FROM graph.AtomGraphNodes WHERE NodeKind = 'MODEL' AND RefId = @ModelId;
                DELETE FROM dbo.WeightSnapshots WHERE ModelId = @ModelId;
                DELETE FROM dbo.Models WHERE ModelId = @ModelId;
            END;

            DELETE FROM graph.AtomGraphNodes WHERE NodeKind IN ('FILE', 'ATOM') AND RefId = @ParentAtomId;
            DELETE FROM graph.AtomGraphNodes WHERE NodeKind = 'JOB' AND RefId = @JobId;
            -- The parent stays only if something else still points at it.
            DELETE FROM dbo.Atoms WHERE AtomId = @ParentAtomId AND ReferenceCount = 0;

            UPDATE dbo.IngestionJobs
            SET State = 'FAILED', Error = @ErrorText, ChunksCommitted = 0, NewAtoms = 0, Compositions = 0,
                DistinctAtoms = 0, UpdatedAt = SYSUTCDATETIME()
            WHERE JobId = @JobId;

            DELETE FROM dbo.StagingAtoms WHERE JobId = @JobId;
            DELETE FROM dbo.StagingSegments WHERE JobId = @JobId;
            DELETE FROM dbo.StagingCompositions WHERE JobId = @JobId;
            DELETE FROM dbo.StagingTensorSegments WHERE JobId = @JobId;
        END;
        COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0
            ROLLBACK TRANSACTION;
        THROW;
    END CATCH;

    SELECT JobId, TenantId, Modality, Name, State, ParentAtomId, ContentHash, ChunksCommitted, BytesDone, BytesTotal,
           DistinctAtoms, NewAtoms, Compositions, Error, SourcePath, ChildIndex, CreatedAt, UpdatedAt
    FROM dbo.IngestionJobs
    WHERE JobId = @JobId AND TenantId = @TenantId;
END;
GO
