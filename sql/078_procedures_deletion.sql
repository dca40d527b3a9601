-- Deleting files: the SQL Server side of the contract's Deletions (SqlServerDeletions). Same results as the embedded
-- EmbeddedDeletions. Errors: 50400 invalid argument, 50404 not found, 50409 conflict.
--
-- dbo.sp_RequestDeletion and dbo.sp_RunDeletionBatch run as hart_system (015_principals.sql), like
-- dbo.sp_FailIngestionJob: they count every tenant's ownership of the file and release shared leaf atoms, which no
-- tenant's predicate shows. The requesting tenant is a parameter (an admin deletes for others); the session has none.

-- One deletion job of any tenant (the API checks whose). Result: the job, or no row.
CREATE OR ALTER PROCEDURE dbo.sp_GetDeletionJob
    @JobId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    SELECT JobId, TenantId, FileAtomId, State, Erase, OwnershipOnly, RowsDone, RowsTotal, LeavesPurged, Error,
           CreatedAt, UpdatedAt
    FROM dbo.DeletionJobs
    WHERE JobId = @JobId;
END;
GO

-- Removes the graph nodes listed in the caller's #Nodes (NodeId) with their edges (ON DELETE CASCADE); each removal
-- is sent to the provenance sync first, so the cold tier drops them and keeps a tombstone. Called inside the
-- transactions of dbo.sp_RequestDeletion and dbo.sp_RunDeletionBatch (as hart_system).
CREATE OR ALTER PROCEDURE dbo.sp_RemoveGraphNodes
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @ChangeOrder INT, @Body NVARCHAR(MAX);
    CREATE TABLE #Changes (ChangeOrder INT IDENTITY(1, 1) PRIMARY KEY, Body NVARCHAR(MAX) NOT NULL);

    INSERT INTO #Changes (Body)
    SELECT (SELECT 'edge-removed' AS change, e.TenantId AS tenantId, e.EdgeId AS edgeId
            FOR JSON PATH, WITHOUT_ARRAY_WRAPPER)
    FROM graph.AtomGraphEdges AS e
    WHERE e.FromNodeId IN (SELECT NodeId FROM #Nodes) OR e.ToNodeId IN (SELECT NodeId FROM #Nodes)
    ORDER BY e.EdgeId;
    INSERT INTO #Changes (Body)
    SELECT (SELECT 'node-removed' AS change, n.TenantId AS tenantId, n.NodeId AS nodeId
            FOR JSON PATH, WITHOUT_ARRAY_WRAPPER)
    FROM graph.AtomGraphNodes AS n
    WHERE n.NodeId IN (SELECT NodeId FROM #Nodes)
    ORDER BY n.NodeId;

    SET @ChangeOrder = (SELECT MIN(ChangeOrder) FROM #Changes);
    WHILE @ChangeOrder IS NOT NULL
    BEGIN
        SELECT @Body = Body FROM #Changes WHERE ChangeOrder = @ChangeOrder;
        EXEC provenance.sp_EnqueueProvenanceSync @Body = @Body;
        SET @ChangeOrder = (SELECT MIN(ChangeOrder) FROM #Changes WHERE ChangeOrder > @ChangeOrder);
    END;
    DELETE FROM graph.AtomGraphNodes WHERE NodeId IN (SELECT NodeId FROM #Nodes);
END;
GO

-- The file's graph nodes (its FILE, ATOM and EMBEDDING nodes, its model's, its jobs') of @TenantId, or of every
-- tenant when it is NULL, removed with dbo.sp_RemoveGraphNodes.
CREATE OR ALTER PROCEDURE dbo.sp_RemoveFileGraph
    @FileAtomId BIGINT,
    @ModelId    BIGINT = NULL,
    @TenantId   VARCHAR(64) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    CREATE TABLE #Nodes (NodeId BIGINT NOT NULL PRIMARY KEY);

    INSERT INTO #Nodes (NodeId)
    SELECT NodeId
    FROM graph.AtomGraphNodes
    WHERE ((NodeKind IN ('FILE', 'ATOM', 'EMBEDDING') AND RefId = @FileAtomId)
           OR (NodeKind = 'MODEL' AND RefId = @ModelId)
           OR (NodeKind = 'JOB' AND RefId IN (SELECT JobId FROM dbo.IngestionJobs WHERE ParentAtomId = @FileAtomId)))
      AND (@TenantId IS NULL OR TenantId = @TenantId);
    EXEC dbo.sp_RemoveGraphNodes;
END;
GO

-- The model's runs by @TenantId, or by every tenant when it is NULL: their INFERENCE nodes (removed with
-- dbo.sp_RemoveGraphNodes), receipts and records. The receipts' guard triggers (027) let the deletes through only
-- while SESSION_CONTEXT(N'hart.PurgeModel') names this model, which it does for just these statements. Called
-- inside the transactions of dbo.sp_RequestDeletion and dbo.sp_RunDeletionBatch (as hart_system).
CREATE OR ALTER PROCEDURE dbo.sp_RemoveModelInferences
    @ModelId  BIGINT,
    @TenantId VARCHAR(64) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    CREATE TABLE #Runs (InferenceId BIGINT NOT NULL PRIMARY KEY);
    CREATE TABLE #Nodes (NodeId BIGINT NOT NULL PRIMARY KEY);
    INSERT INTO #Runs (InferenceId)
    SELECT InferenceId FROM dbo.Inferences WHERE ModelId = @ModelId AND (@TenantId IS NULL OR TenantId = @TenantId);
    IF NOT EXISTS (SELECT 1 FROM #Runs)
        RETURN;

    INSERT INTO #Nodes (NodeId)
    SELECT n.NodeId
    FROM graph.AtomGraphNodes AS n
    INNER JOIN #Runs AS r ON r.InferenceId = n.RefId
    WHERE n.NodeKind = 'INFERENCE';
    EXEC dbo.sp_RemoveGraphNodes;

    BEGIN TRY
        EXEC sys.sp_set_session_context @key = N'hart.PurgeModel', @value = @ModelId;
        DELETE e FROM dbo.InferenceEvidence AS e INNER JOIN #Runs AS r ON r.InferenceId = e.InferenceId;
        DELETE a FROM dbo.InferenceInputAtoms AS a INNER JOIN #Runs AS r ON r.InferenceId = a.InferenceId;
        DELETE t FROM dbo.InferenceReceiptTensors AS t INNER JOIN #Runs AS r ON r.InferenceId = t.InferenceId;
        DELETE c FROM dbo.InferenceReceipts AS c INNER JOIN #Runs AS r ON r.InferenceId = c.InferenceId;
        DELETE i FROM dbo.Inferences AS i INNER JOIN #Runs AS r ON r.InferenceId = i.InferenceId;
        EXEC sys.sp_set_session_context @key = N'hart.PurgeModel', @value = NULL;
    END TRY
    BEGIN CATCH
        EXEC sys.sp_set_session_context @key = N'hart.PurgeModel', @value = NULL;
        THROW;
    END CATCH;
END;
GO

-- Removes @TenantId's ownership of the file. When nobody owns it any longer (and no other file composes it), the
-- file takes a detached content hash (SHA-256 of 'hartonomous:deleted-file:' and its id, as DeletionRows computes
-- it), so a file of the same bytes ingested during the deletion becomes a fresh atom instead of an owner of rows
-- that are going away, and a RUNNING job is created with the rows it will remove. Result: the job.
CREATE OR ALTER PROCEDURE dbo.sp_RequestDeletion
    @TenantId   VARCHAR(64),
    @FileAtomId BIGINT,
    @Erase      BIT = 0
WITH EXECUTE AS 'hart_system'
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message NVARCHAR(2048), @References BIGINT, @ModelId BIGINT, @OwnershipOnly BIT = 0;
    DECLARE @Total BIGINT = 0, @Coefficients BIGINT, @JobId BIGINT, @Subtype VARCHAR(16);
    IF @TenantId IS NULL OR LEN(@TenantId) = 0
        THROW 50400, N'@TenantId is required', 1;
    IF @Erase IS NULL
        SET @Erase = 0;

    BEGIN TRY
        BEGIN TRANSACTION;
        SELECT @References = ReferenceCount, @Subtype = Subtype
        FROM dbo.Atoms WITH (UPDLOCK, HOLDLOCK)
        WHERE AtomId = @FileAtomId;
        IF @Subtype IS NOT NULL AND @Subtype <> 'file'
        BEGIN
            SET @message = CONCAT(N'atom ', @FileAtomId, N' is a leaf value, not a file: leaves are shared content ',
                                  N'and go by themselves once no file references them');
            THROW 50409, @message, 1;
        END;
        -- Ownership first: whether someone else's file is being ingested is not the caller's business.
        IF @References IS NULL
            OR NOT EXISTS (SELECT 1 FROM dbo.AtomOwners WHERE AtomId = @FileAtomId AND TenantId = @TenantId)
        BEGIN
            SET @message = CONCAT(N'file ', @FileAtomId, N' not found');
            THROW 50404, @message, 1;
        END;
        IF EXISTS (SELECT 1 FROM dbo.IngestionJobs WHERE ParentAtomId = @FileAtomId AND State = 'RUNNING')
        BEGIN
            SET @message = CONCAT(N'file ', @FileAtomId,
                                  N' is being ingested right now; delete it when that job has finished');
            THROW 50409, @message, 1;
        END;

        DELETE FROM dbo.AtomOwners WHERE AtomId = @FileAtomId AND TenantId = @TenantId;
        SELECT @ModelId = ModelId FROM dbo.Models WHERE ParentAtomId = @FileAtomId;
        -- What the tenant itself wrote about the file goes at once, whoever else still owns it.
        EXEC dbo.sp_RemoveFileGraph @FileAtomId = @FileAtomId, @ModelId = @ModelId, @TenantId = @TenantId;
        IF @ModelId IS NOT NULL
            EXEC dbo.sp_RemoveModelInferences @ModelId = @ModelId, @TenantId = @TenantId;
        DELETE FROM dbo.AtomEmbeddings WHERE AtomId = @FileAtomId AND TenantId = @TenantId;
        IF @Erase = 1
            DELETE FROM dbo.IngestionJobs
            WHERE ParentAtomId = @FileAtomId AND TenantId = @TenantId AND State <> 'RUNNING';
        -- Content another tenant still owns, or another file composes, stays: only this ownership went.
        IF @References > 0 OR EXISTS (SELECT 1 FROM dbo.AtomOwners WHERE AtomId = @FileAtomId)
            SET @OwnershipOnly = 1;

        IF @OwnershipOnly = 0
        BEGIN
            -- Positions: the segments' and the rows'.
            SELECT @Total = (SELECT COALESCE(SUM(CAST(PositionCount AS BIGINT)), 0)
                             FROM dbo.CompositionSegments WHERE ParentAtomId = @FileAtomId)
                          + (SELECT COUNT_BIG(*) FROM dbo.AtomCompositionRows WHERE ParentAtomId = @FileAtomId);
            IF @ModelId IS NOT NULL
            BEGIN
                -- Weights: the current segments' positions. Erasing also removes the history, including the
                -- versions the weights' own removal adds (all their values), a version counted by the values it
                -- replaced: the rows the row-per-weight history held.
                SELECT @Coefficients = COALESCE(SUM(CAST(PositionCount AS BIGINT)), 0)
                FROM dbo.TensorSegments WHERE ModelId = @ModelId;
                SET @Total = @Total + @Coefficients;
                IF @Erase = 1
                    SET @Total = @Total + @Coefficients
                        + (SELECT COALESCE(SUM(CAST(Replaced AS BIGINT)), 0)
                           FROM dbo.TensorSegmentsHistory WHERE ModelId = @ModelId);
            END;
            UPDATE dbo.Atoms
            SET ContentHash = HASHBYTES('SHA2_256', CONCAT('hartonomous:deleted-file:', @FileAtomId))
            WHERE AtomId = @FileAtomId;
        END;

        INSERT INTO dbo.DeletionJobs (TenantId, FileAtomId, ModelId, State, Phase, Erase, OwnershipOnly, RowsTotal)
        VALUES (@TenantId, @FileAtomId, CASE WHEN @OwnershipOnly = 1 THEN NULL ELSE @ModelId END,
                CASE WHEN @OwnershipOnly = 1 THEN 'COMPLETED' ELSE 'RUNNING' END,
                CASE WHEN @OwnershipOnly = 1 THEN 'DONE' ELSE 'COMPOSITIONS' END, @Erase, @OwnershipOnly, @Total);
        SET @JobId = SCOPE_IDENTITY();
        COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0
            ROLLBACK TRANSACTION;
        THROW;
    END CATCH;

    EXEC dbo.sp_GetDeletionJob @JobId = @JobId;
END;
GO

-- One bounded batch of a RUNNING job, in one transaction with the job's counters (the job row's lock serialises
-- batches of one job): at most @MaxRows composition positions (rows, then segments), then the model's current tensor
-- segments (whole, while the batch has room and at least one: each moves to history), then (erase) the model's
-- segment versions and then its dictionary; then the rest of the file at once (graph nodes and edges, their removals
-- sent to the provenance sync, embeddings, the model's inference records and receipts, layers, model (its weight
-- versions cascade), the file atom). Reference counts go down by exactly the positions removed; leaves nothing
-- references any longer and no model's dictionary lists (weight history points into them) are deleted. Atoms are
-- updated through a join the writers' MERGE ... WITH (HOLDLOCK) serialises with; a deadlock victim is run again by
-- the engine (the batch is one transaction). Counts are weights: a segment's positions, a version's Replaced.
-- History of dbo.ModelLayers and dbo.Atoms: SYSTEM_VERSIONING = OFF is set only for the erase statements and back ON
-- in the same transaction, as Microsoft's "Stop system-versioning on a system-versioned temporal table" recommends
-- for maintenance (the ALTER takes a schema lock on the table for the rest of the batch, which the bounded batch
-- keeps short).
-- Result: the job.
CREATE OR ALTER PROCEDURE dbo.sp_RunDeletionBatch
    @JobId   BIGINT,
    @MaxRows INT = 10000
WITH EXECUTE AS 'hart_system'
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message NVARCHAR(2048), @State VARCHAR(16), @Phase VARCHAR(16), @Next VARCHAR(16);
    DECLARE @FileAtomId BIGINT, @ModelId BIGINT, @Erase BIT, @Rows BIGINT = 0, @Purged BIGINT = 0, @Budget BIGINT;
    DECLARE @tensorLock NVARCHAR(255), @lockResult INT, @Now DATETIME2(7), @Latest DATETIME2(7);
    IF @MaxRows IS NULL OR @MaxRows < 1
        THROW 50400, N'@MaxRows must be at least 1', 1;

    CREATE TABLE #Removed (AtomId BIGINT NOT NULL, N BIGINT NOT NULL);
    CREATE TABLE #Candidates (AtomId BIGINT NOT NULL);
    -- Segments this batch removes positions from: the first Take of their PositionCount.
    CREATE TABLE #Cut (FirstSequence BIGINT NOT NULL PRIMARY KEY, PositionCount INT NOT NULL, Take INT NOT NULL);
    CREATE TABLE #Released (Ordinal INT NOT NULL PRIMARY KEY, N BIGINT NOT NULL);
    -- Tensor segments (At: their ValidFrom) or versions (At: their ValidTo) this batch removes, N weights each.
    CREATE TABLE #Retired (
        LayerIdx   INT          NOT NULL,
        FirstIndex BIGINT       NOT NULL,
        At         DATETIME2(7) NOT NULL,
        N          BIGINT       NOT NULL,
        PRIMARY KEY CLUSTERED (LayerIdx, FirstIndex, At)
    );

    BEGIN TRY
        BEGIN TRANSACTION;
        SELECT @State = State, @Phase = Phase, @FileAtomId = FileAtomId, @ModelId = ModelId, @Erase = Erase
        FROM dbo.DeletionJobs WITH (UPDLOCK, HOLDLOCK)
        WHERE JobId = @JobId;
        IF @State IS NULL
        BEGIN
            SET @message = CONCAT(N'deletion job ', @JobId, N' not found');
            THROW 50404, @message, 1;
        END;

        IF @State = 'RUNNING'
        BEGIN
            SET @Next = @Phase;
            IF @Phase IN ('COEFFICIENTS', 'HISTORY')
            BEGIN
                -- The model's tensor lock (dbo.sp_UpdateWeights), before the atoms are touched.
                SET @tensorLock = CONCAT(N'hart.tensors.', @ModelId);
                EXEC @lockResult = sys.sp_getapplock @Resource = @tensorLock, @LockMode = 'Exclusive',
                                                     @LockOwner = 'Transaction', @LockTimeout = 60000;
                IF @lockResult < 0
                BEGIN
                    SET @message = CONCAT(N'model ', @ModelId, N': timed out waiting for a weight update to finish');
                    THROW 50409, @message, 1;
                END;
            END;
            IF @Phase = 'COMPOSITIONS'
            BEGIN
                -- Rows first, then segments in sequence order: whole ones while the batch has room, then the front
                -- of the next one (it keeps its tail), so a batch removes exactly @MaxRows positions while there are
                -- that many. The dictionary keeps counting what is left.
                DELETE TOP (@MaxRows) FROM dbo.AtomCompositionRows
                OUTPUT deleted.ComponentAtomId, 1 INTO #Removed (AtomId, N)
                WHERE ParentAtomId = @FileAtomId;
                SET @Rows = @@ROWCOUNT;
                SET @Budget = @MaxRows - @Rows;
                IF @Budget > 0
                BEGIN
                    -- The narrow index IX_CompositionSegments_Span serves this: at most @Budget segments are read.
                    INSERT INTO #Cut (FirstSequence, PositionCount, Take)
                    SELECT o.FirstSequence, o.PositionCount,
                           CASE WHEN o.Through <= @Budget THEN o.PositionCount
                                ELSE CAST(o.PositionCount - (o.Through - @Budget) AS INT) END
                    FROM (
                        SELECT TOP (@Budget) FirstSequence, PositionCount,
                               SUM(CAST(PositionCount AS BIGINT))
                                   OVER (ORDER BY FirstSequence ROWS UNBOUNDED PRECEDING) AS Through
                        FROM dbo.CompositionSegments
                        WHERE ParentAtomId = @FileAtomId
                        ORDER BY FirstSequence
                    ) AS o
                    WHERE o.Through - o.PositionCount < @Budget;

                    INSERT INTO #Released (Ordinal, N)
                    SELECT p.Ordinal, COUNT_BIG(*)
                    FROM #Cut AS c
                    INNER JOIN dbo.CompositionSegments AS s
                        ON s.ParentAtomId = @FileAtomId AND s.FirstSequence = c.FirstSequence
                    CROSS APPLY dbo.fn_SegmentPositions(s.FirstSequence, s.Stride, s.ColumnMajor, s.OrdinalWidth,
                                                        s.Ordinals, 0, c.Take - 1) AS p
                    GROUP BY p.Ordinal;

                    INSERT INTO #Removed (AtomId, N)
                    SELECT d.AtomId, r.N
                    FROM #Released AS r
                    INNER JOIN dbo.CompositionDictionary AS d
                        ON d.ParentAtomId = @FileAtomId AND d.Ordinal = r.Ordinal;

                    -- An entry none of whose positions remain goes (Occurrences is at least 1); the rest count down.
                    DELETE d
                    FROM dbo.CompositionDictionary AS d
                    INNER JOIN #Released AS r ON r.Ordinal = d.Ordinal
                    WHERE d.ParentAtomId = @FileAtomId AND d.Occurrences = r.N;
                    UPDATE d
                    SET Occurrences = d.Occurrences - r.N
                    FROM dbo.CompositionDictionary AS d
                    INNER JOIN #Released AS r ON r.Ordinal = d.Ordinal
                    WHERE d.ParentAtomId = @FileAtomId;

                    DELETE s
                    FROM dbo.CompositionSegments AS s
                    INNER JOIN #Cut AS c ON c.FirstSequence = s.FirstSequence
                    WHERE s.ParentAtomId = @FileAtomId AND c.Take = c.PositionCount;
                    UPDATE s
                    SET FirstSequence = s.FirstSequence + c.Take,
                        PositionCount = s.PositionCount - c.Take,
                        MinX = e.MinX, MaxX = e.MaxX, MinY = e.MinY, MaxY = e.MaxY,
                        Ordinals = SUBSTRING(s.Ordinals, c.Take * s.OrdinalWidth + 1,
                                             (s.PositionCount - c.Take) * s.OrdinalWidth)
                    FROM dbo.CompositionSegments AS s
                    INNER JOIN #Cut AS c ON c.FirstSequence = s.FirstSequence
                    CROSS APPLY dbo.fn_SegmentExtent(s.FirstSequence + c.Take, s.PositionCount - c.Take, s.Stride,
                                                     s.ColumnMajor) AS e
                    WHERE s.ParentAtomId = @FileAtomId AND c.Take < c.PositionCount;

                    SET @Rows = @Rows + (SELECT COALESCE(SUM(CAST(Take AS BIGINT)), 0) FROM #Cut);
                END;
                IF @Rows = 0
                    SET @Next = CASE WHEN @ModelId IS NULL THEN 'FINISH' ELSE 'COEFFICIENTS' END;
            END
            ELSE IF @Phase = 'COEFFICIENTS'
            BEGIN
                -- Whole current segments in key order while the batch has room (at least one), moved to history as
                -- removed (Replaced = all their positions), so AS OF still reads them until the retention ends.
                -- Their positions release their atoms; the dictionary counts them down (its entries stay, at 0,
                -- for the history that points at them).
                INSERT INTO #Retired (LayerIdx, FirstIndex, At, N)
                SELECT o.LayerIdx, o.FirstIndex, o.ValidFrom, o.PositionCount
                FROM (
                    SELECT TOP (@MaxRows) LayerIdx, FirstIndex, PositionCount, ValidFrom,
                           SUM(CAST(PositionCount AS BIGINT))
                               OVER (ORDER BY LayerIdx, FirstIndex ROWS UNBOUNDED PRECEDING) AS Through
                    FROM dbo.TensorSegments WITH (UPDLOCK, HOLDLOCK)
                    WHERE ModelId = @ModelId
                    ORDER BY LayerIdx, FirstIndex
                ) AS o
                WHERE o.Through - o.PositionCount < @MaxRows;

                IF EXISTS (SELECT 1 FROM #Retired)
                BEGIN
                    -- The removed versions all end at one time, after each one began.
                    SELECT @Latest = MAX(At) FROM #Retired;
                    SELECT @Now = VersionTime FROM dbo.fn_WeightVersionTime(@ModelId, @Latest);
                    INSERT INTO dbo.TensorSegmentsHistory (ModelId, LayerIdx, FirstIndex, PositionCount, SizeX, SizeY,
                                                           OrdinalWidth, Ordinals, ValidFrom, ValidTo, Replaced)
                    SELECT @ModelId, s.LayerIdx, s.FirstIndex, s.PositionCount, s.SizeX, s.SizeY, s.OrdinalWidth,
                           s.Ordinals, s.ValidFrom, @Now, s.PositionCount
                    FROM #Retired AS r
                    INNER JOIN dbo.TensorSegments AS s
                        ON s.ModelId = @ModelId AND s.LayerIdx = r.LayerIdx AND s.FirstIndex = r.FirstIndex;

                    INSERT INTO #Released (Ordinal, N)
                    SELECT p.Ordinal, COUNT_BIG(*)
                    FROM #Retired AS r
                    INNER JOIN dbo.TensorSegments AS s
                        ON s.ModelId = @ModelId AND s.LayerIdx = r.LayerIdx AND s.FirstIndex = r.FirstIndex
                    CROSS APPLY dbo.fn_SegmentPositions(s.FirstIndex, 1, 0, s.OrdinalWidth, s.Ordinals, 0,
                                                        s.PositionCount - 1) AS p
                    GROUP BY p.Ordinal;

                    INSERT INTO #Removed (AtomId, N)
                    SELECT d.AtomId, r.N
                    FROM #Released AS r
                    INNER JOIN dbo.TensorDictionary AS d ON d.ModelId = @ModelId AND d.Ordinal = r.Ordinal;

                    UPDATE d
                    SET Occurrences = d.Occurrences - r.N
                    FROM dbo.TensorDictionary AS d
                    INNER JOIN #Released AS r ON r.Ordinal = d.Ordinal
                    WHERE d.ModelId = @ModelId;

                    DELETE s
                    FROM dbo.TensorSegments AS s
                    INNER JOIN #Retired AS r ON r.LayerIdx = s.LayerIdx AND r.FirstIndex = s.FirstIndex
                    WHERE s.ModelId = @ModelId;
                END;
                SET @Rows = (SELECT COALESCE(SUM(N), 0) FROM #Retired);
                IF @Rows = 0
                    SET @Next = CASE WHEN @Erase = 1 THEN 'HISTORY' ELSE 'FINISH' END;
            END
            ELSE IF @Phase = 'HISTORY'
            BEGIN
                -- The model's versions first, whole, in key order while the batch has room (at least one), counted
                -- by the values each replaced; once none is left, the dictionary they pointed into, a batch of
                -- entries at a time, its atoms purged below once nothing references or lists them any longer.
                INSERT INTO #Retired (LayerIdx, FirstIndex, At, N)
                SELECT o.LayerIdx, o.FirstIndex, o.ValidTo, o.Replaced
                FROM (
                    SELECT TOP (@MaxRows) LayerIdx, FirstIndex, ValidTo, Replaced,
                           SUM(CAST(Replaced AS BIGINT))
                               OVER (ORDER BY LayerIdx, FirstIndex, ValidTo ROWS UNBOUNDED PRECEDING) AS Through
                    FROM dbo.TensorSegmentsHistory
                    WHERE ModelId = @ModelId
                    ORDER BY LayerIdx, FirstIndex, ValidTo
                ) AS o
                WHERE o.Through - o.Replaced < @MaxRows;

                IF EXISTS (SELECT 1 FROM #Retired)
                BEGIN
                    DELETE h
                    FROM dbo.TensorSegmentsHistory AS h
                    INNER JOIN #Retired AS r
                        ON r.LayerIdx = h.LayerIdx AND r.FirstIndex = h.FirstIndex AND r.At = h.ValidTo
                    WHERE h.ModelId = @ModelId;
                    SET @Rows = (SELECT SUM(N) FROM #Retired);
                END
                ELSE
                BEGIN
                    DELETE TOP (@MaxRows) FROM dbo.TensorDictionary
                    OUTPUT deleted.AtomId INTO #Candidates (AtomId)
                    WHERE ModelId = @ModelId;
                    IF @@ROWCOUNT = 0
                        SET @Next = 'FINISH';
                END;
            END
            ELSE IF @Phase = 'FINISH'
            BEGIN
                EXEC dbo.sp_RemoveFileGraph @FileAtomId = @FileAtomId, @ModelId = @ModelId;

                DELETE FROM dbo.AtomEmbeddings WHERE AtomId = @FileAtomId;
                IF @ModelId IS NOT NULL
                BEGIN
                    EXEC dbo.sp_RemoveModelInferences @ModelId = @ModelId;
                    DELETE FROM dbo.ModelLayers WHERE ModelId = @ModelId;
                    DELETE FROM dbo.WeightSnapshots WHERE ModelId = @ModelId;
                    DELETE FROM dbo.Models WHERE ModelId = @ModelId;
                    IF @Erase = 1
                    BEGIN
                        ALTER TABLE dbo.ModelLayers SET (SYSTEM_VERSIONING = OFF);
                        EXEC sys.sp_executesql
                            N'DELETE FROM dbo.ModelLayersHistory WHERE ModelId = @ModelId;',
                            N'@ModelId BIGINT', @ModelId = @ModelId;
                        ALTER TABLE dbo.ModelLayers SET (
                            SYSTEM_VERSIONING = ON (
                                HISTORY_TABLE = dbo.ModelLayersHistory, DATA_CONSISTENCY_CHECK = OFF));
                    END;
                END;
                IF @Erase = 1
                    -- The jobs' names and source paths describe the file too.
                    DELETE FROM dbo.IngestionJobs WHERE ParentAtomId = @FileAtomId AND State <> 'RUNNING';
                DELETE FROM dbo.Atoms WHERE AtomId = @FileAtomId AND ReferenceCount = 0;
                IF @Erase = 1
                BEGIN
                    -- The file atom's earlier versions (its metadata) in the history of dbo.Atoms; the options
                    -- are restated as sql/020 sets them.
                    ALTER TABLE dbo.Atoms SET (SYSTEM_VERSIONING = OFF);
                    EXEC sys.sp_executesql
                        N'DELETE FROM dbo.AtomsHistory WHERE AtomId = @FileAtomId;',
                        N'@FileAtomId BIGINT', @FileAtomId = @FileAtomId;
                    ALTER TABLE dbo.Atoms SET (
                        SYSTEM_VERSIONING = ON (
                            HISTORY_TABLE = dbo.AtomsHistory, HISTORY_RETENTION_PERIOD = 6 MONTHS,
                            DATA_CONSISTENCY_CHECK = OFF));
                END;
                SET @Next = 'DONE';
            END;

            -- Release what the removed positions pointed at, then purge leaves nothing references or lists any
            -- longer.
            UPDATE a
            SET ReferenceCount = a.ReferenceCount - r.N
            FROM dbo.Atoms AS a
            INNER JOIN (SELECT AtomId, SUM(N) AS N FROM #Removed GROUP BY AtomId) AS r ON r.AtomId = a.AtomId;

            DELETE a
            FROM dbo.Atoms AS a
            WHERE a.ReferenceCount = 0 AND a.Subtype <> 'file'
              AND a.AtomId IN (SELECT AtomId FROM #Removed UNION SELECT AtomId FROM #Candidates)
              AND NOT EXISTS (SELECT 1 FROM dbo.TensorDictionary AS d WHERE d.AtomId = a.AtomId);
            SET @Purged = @@ROWCOUNT;

            UPDATE dbo.DeletionJobs
            SET Phase = @Next, State = CASE WHEN @Next = 'DONE' THEN 'COMPLETED' ELSE 'RUNNING' END,
                RowsDone = RowsDone + @Rows, LeavesPurged = LeavesPurged + @Purged, UpdatedAt = SYSUTCDATETIME()
            WHERE JobId = @JobId;
        END;
        COMMIT TRANSACTION;
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0
            ROLLBACK TRANSACTION;
        THROW;
    END CATCH;

    EXEC dbo.sp_GetDeletionJob @JobId = @JobId;
END;
GO

-- RUNNING deletion jobs of every tenant, oldest first: what a restarted process resumes.
CREATE OR ALTER PROCEDURE dbo.sp_UnfinishedDeletions
AS
BEGIN
    SET NOCOUNT ON;
    SELECT JobId, TenantId, FileAtomId, State, Erase, OwnershipOnly, RowsDone, RowsTotal, LeavesPurged, Error,
           CreatedAt, UpdatedAt
    FROM dbo.DeletionJobs
    WHERE State = 'RUNNING'
    ORDER BY JobId;
END;
GO
