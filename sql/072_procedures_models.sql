-- Models and weight history: listing, tensors as of any time (versioned tensor segments, sql/021), weight updates,
-- rollback and named snapshots; updates and rollbacks that change a weight append the new weight version (the
-- ValidFrom of the versions they write) to dbo.ModelWeightChanges. Same semantics as the embedded engine's
-- EmbeddedModelStore.

CREATE OR ALTER PROCEDURE dbo.sp_ListModels
AS
BEGIN
    SET NOCOUNT ON;
    SELECT ModelId, ParentAtomId, Name, Format, TensorCount, ParameterCount, Metadata, CreatedAt
    FROM dbo.Models
    ORDER BY ModelId;
END;
GO

CREATE OR ALTER PROCEDURE dbo.sp_GetModel
    @ModelId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    SELECT ModelId, ParentAtomId, Name, Format, TensorCount, ParameterCount, Metadata, CreatedAt
    FROM dbo.Models
    WHERE ModelId = @ModelId;
END;
GO

CREATE OR ALTER PROCEDURE dbo.sp_GetModelLayers
    @ModelId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message NVARCHAR(2048);
    IF NOT EXISTS (SELECT 1 FROM dbo.Models WHERE ModelId = @ModelId)
    BEGIN
        SET @message = CONCAT(N'model ', @ModelId, N' not found');
        THROW 50404, @message, 1;
    END;
    SELECT ModelId, LayerIdx, Name, Shape, DType, StoredAs, ElementCount
    FROM dbo.ModelLayers
    WHERE ModelId = @ModelId
    ORDER BY LayerIdx;
END;
GO

-- The structure stored beside the model's tensors (one row, Structure NULL when its format keeps none); row-level
-- security hides other tenants' models, which are not found like missing ones.
CREATE OR ALTER PROCEDURE dbo.sp_GetModelStructure
    @ModelId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message NVARCHAR(2048);
    IF NOT EXISTS (SELECT 1 FROM dbo.Models WHERE ModelId = @ModelId)
    BEGIN
        SET @message = CONCAT(N'model ', @ModelId, N' not found');
        THROW 50404, @message, 1;
    END;
    SELECT Structure
    FROM dbo.Models
    WHERE ModelId = @ModelId;
END;
GO

-- The time a weight version written now gets: now, or just after the newest of @Latest (the newest version it
-- replaces) and the model's newest snapshot, so that a version is never valid for no time, two versions of a key
-- never end at the same instant, and no snapshot sees a version written after it even on a coarse clock.
CREATE OR ALTER FUNCTION dbo.fn_WeightVersionTime (@ModelId BIGINT, @Latest DATETIME2(7))
RETURNS TABLE
AS
RETURN
    SELECT CASE WHEN x.Latest >= t.Now THEN DATEADD(NANOSECOND, 100, x.Latest) ELSE t.Now END AS VersionTime
    FROM (SELECT SYSUTCDATETIME() AS Now) AS t
    CROSS APPLY (
        SELECT MAX(l.At) AS Latest
        FROM (VALUES (@Latest), ((SELECT MAX(s.TakenAt) FROM dbo.WeightSnapshots AS s WHERE s.ModelId = @ModelId)))
            AS l (At)
    ) AS x;
GO

-- A tensor's values ordered by (z, y, x); @AsOf NULL means now, otherwise the weights as they were at @AsOf (UTC):
-- per segment key the current version if it was written by then, else the history version valid then. Expanded
-- here, set-based; the engine's byte reads decode windows of segments instead (dbo.sp_GetTensorWindow). Values a
-- version points at stay listed in the model's dictionary (and their atoms with them), so every past value can
-- still be read.
CREATE OR ALTER PROCEDURE dbo.sp_GetTensorAsOf
    @ModelId  BIGINT,
    @LayerIdx INT,
    @AsOf     DATETIME2(7) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message NVARCHAR(2048);
    IF NOT EXISTS (SELECT 1 FROM dbo.Models WHERE ModelId = @ModelId)
    BEGIN
        SET @message = CONCAT(N'model ', @ModelId, N' not found');
        THROW 50404, @message, 1;
    END;
    IF @AsOf IS NULL
        SELECT p.PositionX, p.PositionY, p.PositionZ, a.Subtype, a.AtomicValue
        FROM dbo.TensorSegments AS s
        CROSS APPLY dbo.fn_TensorPositions(s.FirstIndex, s.SizeX, s.SizeY, s.OrdinalWidth, s.Ordinals, 0,
                                           s.PositionCount - 1) AS p
        INNER JOIN dbo.TensorDictionary AS d ON d.ModelId = s.ModelId AND d.Ordinal = p.Ordinal
        INNER JOIN dbo.Atoms AS a ON a.AtomId = d.AtomId
        WHERE s.ModelId = @ModelId AND s.LayerIdx = @LayerIdx
        ORDER BY p.ElementIndex;
    ELSE
        SELECT p.PositionX, p.PositionY, p.PositionZ, a.Subtype, a.AtomicValue
        FROM (
            SELECT FirstIndex, PositionCount, SizeX, SizeY, OrdinalWidth, Ordinals
            FROM dbo.TensorSegments
            WHERE ModelId = @ModelId AND LayerIdx = @LayerIdx AND ValidFrom <= @AsOf
            UNION ALL
            SELECT FirstIndex, PositionCount, SizeX, SizeY, OrdinalWidth, Ordinals
            FROM dbo.TensorSegmentsHistory
            WHERE ModelId = @ModelId AND LayerIdx = @LayerIdx AND ValidFrom <= @AsOf AND ValidTo > @AsOf
        ) AS s
        CROSS APPLY dbo.fn_TensorPositions(s.FirstIndex, s.SizeX, s.SizeY, s.OrdinalWidth, s.Ordinals, 0,
                                           s.PositionCount - 1) AS p
        INNER JOIN dbo.TensorDictionary AS d ON d.ModelId = @ModelId AND d.Ordinal = p.Ordinal
        INNER JOIN dbo.Atoms AS a ON a.AtomId = d.AtomId
        ORDER BY p.ElementIndex;
END;
GO

-- One bounded window of a tensor as of @AsOf (NULL: now), for the engine to decode (SqlServerModelStore.tensorBytes):
-- the elements [@FromIndex, @FromIndex + @Limit). A segment lies inside one aligned block of 4,096, so only those
-- starting from the window's block on can reach into it; each query seeks the clustered keys over that range. The
-- engine reads a tensor's windows in one SNAPSHOT transaction, which makes them one consistent read. Result sets:
--   1) the segment versions valid at @AsOf that reach into the window, by FirstIndex: FirstIndex, PositionCount,
--      OrdinalWidth, Ordinals (the packed column as stored; the engine decodes the window's part);
--   2) the model's dictionary entries the window's positions use, with their atoms' values: Ordinal, Subtype,
--      AtomicValue;
--   3) NextIndex: the first element at or after the window's end that a version valid at @AsOf holds (NULL: there is
--      none), so a reader skips a gap in one step.
CREATE OR ALTER PROCEDURE dbo.sp_GetTensorWindow
    @ModelId   BIGINT,
    @LayerIdx  INT,
    @FromIndex BIGINT,
    @Limit     INT,
    @AsOf      DATETIME2(7) = NULL
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message NVARCHAR(2048), @End BIGINT, @Reach BIGINT;
    IF NOT EXISTS (SELECT 1 FROM dbo.Models WHERE ModelId = @ModelId)
    BEGIN
        SET @message = CONCAT(N'model ', @ModelId, N' not found');
        THROW 50404, @message, 1;
    END;
    IF @FromIndex IS NULL OR @FromIndex < 0 OR @Limit IS NULL OR @Limit < 0
        THROW 50400, N'a window starts at an element index of at least 0 and cannot hold fewer than 0 elements', 1;
    SET @End = CASE WHEN @FromIndex > 9223372036854775807 - @Limit THEN 9223372036854775807
                    ELSE @FromIndex + @Limit END;
    SET @Reach = @FromIndex - @FromIndex % 4096;

    CREATE TABLE #Window (
        FirstIndex    BIGINT         NOT NULL PRIMARY KEY,
        PositionCount INT            NOT NULL,
        OrdinalWidth  TINYINT        NOT NULL,
        Ordinals      VARBINARY(MAX) NOT NULL
    );
    INSERT INTO #Window (FirstIndex, PositionCount, OrdinalWidth, Ordinals)
    SELECT FirstIndex, PositionCount, OrdinalWidth, Ordinals
    FROM dbo.TensorSegments
    WHERE ModelId = @ModelId AND LayerIdx = @LayerIdx
      AND FirstIndex >= @Reach AND FirstIndex < @End AND FirstIndex + PositionCount > @FromIndex
      AND (@AsOf IS NULL OR ValidFrom <= @AsOf)
    UNION ALL
    SELECT FirstIndex, PositionCount, OrdinalWidth, Ordinals
    FROM dbo.TensorSegmentsHistory
    WHERE ModelId = @ModelId AND LayerIdx = @LayerIdx
      AND FirstIndex >= @Reach AND FirstIndex < @End AND FirstIndex + PositionCount > @FromIndex
      AND @AsOf IS NOT NULL AND ValidFrom <= @AsOf AND ValidTo > @AsOf;

    SELECT FirstIndex, PositionCount, OrdinalWidth, Ordinals
    FROM #Window
    ORDER BY FirstIndex;

    SELECT d.Ordinal, a.Subtype, a.AtomicValue
    FROM dbo.TensorDictionary AS d
    INNER JOIN dbo.Atoms AS a ON a.AtomId = d.AtomId
    WHERE d.ModelId = @ModelId
      AND d.Ordinal IN (
          SELECT p.Ordinal
          FROM #Window AS w
          CROSS APPLY dbo.fn_SegmentPositions(
              w.FirstIndex, 1, 0, w.OrdinalWidth, w.Ordinals,
              CAST(CASE WHEN w.FirstIndex < @FromIndex THEN @FromIndex - w.FirstIndex ELSE 0 END AS INT),
              CAST(CASE WHEN w.FirstIndex + w.PositionCount > @End THEN @End - w.FirstIndex
                        ELSE w.PositionCount END AS INT) - 1) AS p)
    ORDER BY d.Ordinal;

    SELECT CASE
               WHEN EXISTS (SELECT 1 FROM #Window WHERE FirstIndex + PositionCount > @End) THEN @End
               ELSE (
                   SELECT MIN(n.NextIndex)
                   FROM (
                       SELECT MIN(FirstIndex)
                       FROM dbo.TensorSegments
                       WHERE ModelId = @ModelId AND LayerIdx = @LayerIdx AND FirstIndex >= @End
                         AND (@AsOf IS NULL OR ValidFrom <= @AsOf)
                       UNION ALL
                       SELECT MIN(FirstIndex)
                       FROM dbo.TensorSegmentsHistory
                       WHERE ModelId = @ModelId AND LayerIdx = @LayerIdx AND FirstIndex >= @End
                         AND @AsOf IS NOT NULL AND ValidFrom <= @AsOf AND ValidTo > @AsOf
                   ) AS n (NextIndex))
           END AS NextIndex;
END;
GO

-- Replaces weights of one tensor, rewriting only the segments the updates touch: each one's old version goes to
-- history (ValidTo = now, Replaced = its positions whose value changed), the new one holds the new values, packed at
-- the width its largest ordinal needs (a value new to the model gets the next dictionary ordinal). A segment none of
-- whose values change is not written. Result: Changed (updates whose position's value changed).
-- Each update's value is upserted like a chunk atom (ReferenceCount + 1 per update); then a position that already
-- held that atom gives the reference back, and a position that changed releases its previous atom.
-- Updates naming the same position more than once apply in @Updates order, as on the embedded engine: each sees the
-- value the one before it left (LAG over the position), the last one's stays.
CREATE OR ALTER PROCEDURE dbo.sp_UpdateWeights
    @ModelId  BIGINT,
    @LayerIdx INT,
    @Updates  dbo.WeightUpdateType READONLY
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message NVARCHAR(2048), @Changed INT = 0;
    DECLARE @SizeX BIGINT, @SizeY BIGINT, @Elements BIGINT, @NextOrdinal INT, @Now DATETIME2(7), @Latest DATETIME2(7);
    DECLARE @tensorLock NVARCHAR(255) = CONCAT(N'hart.tensors.', @ModelId), @tensorResult INT;
    IF NOT EXISTS (SELECT 1 FROM dbo.Models WHERE ModelId = @ModelId)
    BEGIN
        SET @message = CONCAT(N'model ', @ModelId, N' not found');
        THROW 50404, @message, 1;
    END;

    CREATE TABLE #Values (
        ContentHash    BINARY(32)    NOT NULL PRIMARY KEY CLUSTERED,
        Modality       VARCHAR(16)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        Subtype        VARCHAR(16)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        AtomicValue    VARBINARY(64) NOT NULL,
        ReferenceDelta BIGINT        NOT NULL,
        AtomId         BIGINT        NULL
    );
    CREATE TABLE #Merged (AtomId BIGINT NOT NULL, ContentHash BINARY(32) NOT NULL);
    CREATE TABLE #Updates (
        Ordinal         INT    NOT NULL PRIMARY KEY CLUSTERED,
        PositionZ       BIGINT NOT NULL,
        PositionY       BIGINT NOT NULL,
        PositionX       BIGINT NOT NULL,
        AtomId          BIGINT NULL,
        ElementIndex    BIGINT NULL,
        FirstIndex      BIGINT NULL,
        ModelOrdinal    INT    NULL,
        PreviousOrdinal INT    NULL
    );
    -- The values' dictionary entries, numbered for those the model lacks in the order of their first update.
    CREATE TABLE #Entries (AtomId BIGINT NOT NULL PRIMARY KEY, FirstUpdate INT NOT NULL, Ordinal INT NULL);
    -- The touched segments' positions: the ordinal stored now and the one the updates leave.
    CREATE TABLE #Cells (
        FirstIndex     BIGINT NOT NULL,
        PositionOffset INT    NOT NULL,
        OldOrdinal     INT    NOT NULL,
        NewOrdinal     INT    NOT NULL,
        PRIMARY KEY CLUSTERED (FirstIndex, PositionOffset)
    );

    -- The model's weight lock, shared among writers and taken before their transaction begins (see
    -- dbo.sp_CreateWeightSnapshot for why it is a session lock).
    DECLARE @weightLock NVARCHAR(255) = CONCAT(N'hart.weights.', @ModelId), @lockResult INT;
    EXEC @lockResult = sys.sp_getapplock @Resource = @weightLock, @LockMode = 'Shared', @LockOwner = 'Session',
                                         @LockTimeout = 60000;
    IF @lockResult < 0
    BEGIN
        SET @message = CONCAT(N'model ', @ModelId, N': timed out waiting for a weight snapshot to finish');
        THROW 50409, @message, 1;
    END;

    BEGIN TRY
        BEGIN TRANSACTION;
        -- The model's tensor lock: one writer of its segments and dictionary at a time (chunks, updates,
        -- rollbacks, deletion, the history purge), taken before the atoms are touched.
        EXEC @tensorResult = sys.sp_getapplock @Resource = @tensorLock, @LockMode = 'Exclusive',
                                               @LockOwner = 'Transaction', @LockTimeout = 60000;
        IF @tensorResult < 0
        BEGIN
            SET @message = CONCAT(N'model ', @ModelId, N': timed out waiting for another weight update to finish');
            THROW 50409, @message, 1;
        END;

        INSERT INTO #Values (ContentHash, Modality, Subtype, AtomicValue, ReferenceDelta)
        SELECT ContentHash, MIN(Modality), MIN(Subtype), MIN(AtomicValue), COUNT_BIG(*)
        FROM @Updates
        GROUP BY ContentHash;

        MERGE dbo.Atoms WITH (HOLDLOCK) AS t
        USING #Values AS s
            ON t.ContentHash = s.ContentHash
        WHEN MATCHED THEN
            UPDATE SET ReferenceCount = t.ReferenceCount + s.ReferenceDelta
        WHEN NOT MATCHED BY TARGET THEN
            INSERT (ContentHash, Modality, Subtype, AtomicValue, ReferenceCount)
            VALUES (s.ContentHash, s.Modality, s.Subtype, s.AtomicValue, s.ReferenceDelta)
        OUTPUT inserted.AtomId, inserted.ContentHash INTO #Merged (AtomId, ContentHash);

        INSERT INTO #Updates (Ordinal, PositionZ, PositionY, PositionX, AtomId)
        SELECT u.Ordinal, u.PositionZ, u.PositionY, u.PositionX, m.AtomId
        FROM @Updates AS u
        INNER JOIN #Merged AS m ON m.ContentHash = u.ContentHash;

        -- Each position's row-major element index in the tensor's grid, and the current segment holding it (one of
        -- the block's: segments never cross a multiple of 4,096), locked.
        SELECT @SizeX = g.SizeX, @SizeY = g.SizeY, @Elements = l.ElementCount
        FROM dbo.ModelLayers AS l
        CROSS APPLY dbo.fn_TensorGrid(l.Shape) AS g
        WHERE l.ModelId = @ModelId AND l.LayerIdx = @LayerIdx;
        UPDATE #Updates
        SET ElementIndex = CASE
                WHEN PositionX >= 0 AND PositionX < @SizeX AND PositionY >= 0 AND PositionY < @SizeY
                     AND PositionZ >= 0 AND @Elements > 0 AND PositionZ <= (@Elements - 1) / @SizeX / @SizeY
                THEN (PositionZ * @SizeY + PositionY) * @SizeX + PositionX END;
        UPDATE u
        SET FirstIndex = s.FirstIndex
        FROM #Updates AS u
        INNER JOIN dbo.TensorSegments AS s WITH (UPDLOCK, HOLDLOCK)
            ON s.ModelId = @ModelId AND s.LayerIdx = @LayerIdx
           AND s.FirstIndex >= u.ElementIndex - u.ElementIndex % 4096 AND s.FirstIndex <= u.ElementIndex
           AND s.FirstIndex + s.PositionCount > u.ElementIndex;

        SELECT TOP (1) @message = CONCAT(N'tensor ', @LayerIdx, N' of model ', @ModelId, N' has no position (',
                                         u.PositionX, N', ', u.PositionY, N', ', u.PositionZ, N')')
        FROM #Updates AS u
        WHERE u.FirstIndex IS NULL
        ORDER BY u.Ordinal;
        IF @@ROWCOUNT > 0
            THROW 50404, @message, 1;

        -- Every value gets an entry in the model's dictionary; those it lacks start at 0 occurrences (counted below).
        INSERT INTO #Entries (AtomId, FirstUpdate)
        SELECT AtomId, MIN(Ordinal) FROM #Updates GROUP BY AtomId;
        UPDATE e
        SET Ordinal = d.Ordinal
        FROM #Entries AS e
        INNER JOIN dbo.TensorDictionary AS d ON d.ModelId = @ModelId AND d.AtomId = e.AtomId;
        SELECT @NextOrdinal = COALESCE(MAX(Ordinal), -1) + 1 FROM dbo.TensorDictionary WHERE ModelId = @ModelId;
        UPDATE e
        SET Ordinal = @NextOrdinal + n.OrdinalRank - 1
        FROM #Entries AS e
        INNER JOIN (
            SELECT AtomId, ROW_NUMBER() OVER (ORDER BY FirstUpdate) AS OrdinalRank
            FROM #Entries
            WHERE Ordinal IS NULL
        ) AS n ON n.AtomId = e.AtomId;
        INSERT INTO dbo.TensorDictionary (ModelId, Ordinal, AtomId, Occurrences)
        SELECT @ModelId, Ordinal, AtomId, 0 FROM #Entries WHERE Ordinal >= @NextOrdinal;
        UPDATE u
        SET ModelOrdinal = e.Ordinal
        FROM #Updates AS u
        INNER JOIN #Entries AS e ON e.AtomId = u.AtomId;

        -- The touched segments decoded once, then the updates applied in @Updates order.
        INSERT INTO #Cells (FirstIndex, PositionOffset, OldOrdinal, NewOrdinal)
        SELECT s.FirstIndex, p.PositionOffset, p.Ordinal, p.Ordinal
        FROM dbo.TensorSegments AS s
        CROSS APPLY dbo.fn_SegmentPositions(s.FirstIndex, 1, 0, s.OrdinalWidth, s.Ordinals, 0,
                                            s.PositionCount - 1) AS p
        WHERE s.ModelId = @ModelId AND s.LayerIdx = @LayerIdx
          AND s.FirstIndex IN (SELECT FirstIndex FROM #Updates);

        UPDATE u
        SET PreviousOrdinal = x.PreviousOrdinal
        FROM #Updates AS u
        INNER JOIN (
            SELECT v.Ordinal,
                   COALESCE(LAG(v.ModelOrdinal) OVER (PARTITION BY v.ElementIndex ORDER BY v.Ordinal), c.OldOrdinal)
                       AS PreviousOrdinal
            FROM #Updates AS v
            INNER JOIN #Cells AS c ON c.FirstIndex = v.FirstIndex AND c.PositionOffset = v.ElementIndex - v.FirstIndex
        ) AS x ON x.Ordinal = u.Ordinal;

        UPDATE c
        SET NewOrdinal = l.ModelOrdinal
        FROM #Cells AS c
        INNER JOIN (
            SELECT FirstIndex, ElementIndex, ModelOrdinal,
                   ROW_NUMBER() OVER (PARTITION BY ElementIndex ORDER BY Ordinal DESC) AS Latest
            FROM #Updates
        ) AS l ON l.Latest = 1 AND c.FirstIndex = l.FirstIndex AND c.PositionOffset = l.ElementIndex - l.FirstIndex;

        -- The segments whose values changed: the old version to history, the new one current.
        SELECT @Latest = MAX(s.ValidFrom)
        FROM dbo.TensorSegments AS s
        WHERE s.ModelId = @ModelId AND s.LayerIdx = @LayerIdx
          AND s.FirstIndex IN (SELECT FirstIndex FROM #Cells WHERE NewOrdinal <> OldOrdinal);
        SELECT @Now = VersionTime FROM dbo.fn_WeightVersionTime(@ModelId, @Latest);

        INSERT INTO dbo.TensorSegmentsHistory (ModelId, LayerIdx, FirstIndex, PositionCount, SizeX, SizeY,
                                               OrdinalWidth, Ordinals, ValidFrom, ValidTo, Replaced)
        SELECT @ModelId, @LayerIdx, s.FirstIndex, s.PositionCount, s.SizeX, s.SizeY, s.OrdinalWidth, s.Ordinals,
               s.ValidFrom, @Now, r.Replaced
        FROM dbo.TensorSegments AS s
        INNER JOIN (
            SELECT FirstIndex, COUNT(*) AS Replaced
            FROM #Cells
            WHERE NewOrdinal <> OldOrdinal
            GROUP BY FirstIndex
        ) AS r ON r.FirstIndex = s.FirstIndex
        WHERE s.ModelId = @ModelId AND s.LayerIdx = @LayerIdx;

        UPDATE s
        SET OrdinalWidth = w.OrdinalWidth, Ordinals = k.Ordinals, ValidFrom = @Now
        FROM dbo.TensorSegments AS s
        INNER JOIN (
            SELECT FirstIndex, MAX(NewOrdinal) AS MaxOrdinal
            FROM #Cells
            GROUP BY FirstIndex
            HAVING MAX(CASE WHEN NewOrdinal <> OldOrdinal THEN 1 ELSE 0 END) = 1
        ) AS m ON m.FirstIndex = s.FirstIndex
        CROSS APPLY dbo.fn_OrdinalWidth(m.MaxOrdinal) AS w
        CROSS APPLY (
            SELECT CONVERT(VARBINARY(MAX),
                           STRING_AGG(h.Hex, '') WITHIN GROUP (ORDER BY c.PositionOffset), 2) AS Ordinals
            FROM #Cells AS c
            CROSS APPLY dbo.fn_OrdinalHex(c.NewOrdinal, w.OrdinalWidth) AS h
            WHERE c.FirstIndex = s.FirstIndex
        ) AS k
        WHERE s.ModelId = @ModelId AND s.LayerIdx = @LayerIdx;

        -- Occurrences count current positions: a changed position's old entry loses one, its new entry gains one.
        UPDATE d
        SET Occurrences = d.Occurrences + x.Delta
        FROM dbo.TensorDictionary AS d
        INNER JOIN (
            SELECT o.Ordinal, SUM(o.Delta) AS Delta
            FROM (
                SELECT NewOrdinal AS Ordinal, CAST(1 AS BIGINT) AS Delta FROM #Cells WHERE NewOrdinal <> OldOrdinal
                UNION ALL
                SELECT OldOrdinal, CAST(-1 AS BIGINT) FROM #Cells WHERE NewOrdinal <> OldOrdinal
            ) AS o
            GROUP BY o.Ordinal
        ) AS x ON x.Ordinal = d.Ordinal
        WHERE d.ModelId = @ModelId AND x.Delta <> 0;

        -- Each update releases the atom its position held before it: for an unchanged position that gives back
        -- the reference the upsert took, for a changed one it drops the replaced value.
        UPDATE a
        SET ReferenceCount = a.ReferenceCount - r.N
        FROM dbo.Atoms AS a
        INNER JOIN (
            SELECT d.AtomId, COUNT_BIG(*) AS N
            FROM #Updates AS u
            INNER JOIN dbo.TensorDictionary AS d ON d.ModelId = @ModelId AND d.Ordinal = u.PreviousOrdinal
            GROUP BY d.AtomId
        ) AS r ON r.AtomId = a.AtomId;

        SELECT @Changed = COUNT(*) FROM #Updates WHERE PreviousOrdinal <> ModelOrdinal;
        -- The new weight version: the time the rewritten segments carry (ValidFrom = @Now).
        IF @Changed > 0
            INSERT INTO dbo.ModelWeightChanges (ModelId, ChangedAt) VALUES (@ModelId, @Now);
        COMMIT TRANSACTION;
        EXEC sys.sp_releaseapplock @Resource = @weightLock, @LockOwner = 'Session';
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0
            ROLLBACK TRANSACTION;
        IF APPLOCK_MODE(N'public', @weightLock, 'Session') <> 'NoLock'
            EXEC sys.sp_releaseapplock @Resource = @weightLock, @LockOwner = 'Session';
        THROW;
    END CATCH;

    SELECT @Changed AS Changed;
END;
GO

-- Puts every weight of the model back to its value at @To. Only segments whose current version is younger than @To
-- can differ from what was valid then: for each one that had a version valid at @To, that version's values become
-- current again as a new version (the replaced one goes to history with the number of positions that differ); a
-- segment written only after @To is left alone, as rows that did not exist then were. Occurrences and reference
-- counts move by the differing positions. @DryRun = 1 only counts them.
-- Result: ModelId, RollbackTo, CoefficientsChanged, DryRun.
CREATE OR ALTER PROCEDURE dbo.sp_RollbackWeightsToTimestamp
    @ModelId BIGINT,
    @To      DATETIME2(7),
    @DryRun  BIT = 1
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message NVARCHAR(2048), @Changed BIGINT = 0, @Now DATETIME2(7), @Latest DATETIME2(7);
    DECLARE @tensorLock NVARCHAR(255) = CONCAT(N'hart.tensors.', @ModelId), @tensorResult INT;
    IF @To IS NULL OR @To > SYSUTCDATETIME()
    BEGIN
        SET @message = CONCAT(N'cannot roll back to ', CONVERT(NVARCHAR(40), @To, 127), N': it is in the future');
        THROW 50400, @message, 1;
    END;
    IF NOT EXISTS (SELECT 1 FROM dbo.Models WHERE ModelId = @ModelId)
    BEGIN
        SET @message = CONCAT(N'model ', @ModelId, N' not found');
        THROW 50404, @message, 1;
    END;

    -- Current segments written after @To paired with their version valid at @To.
    CREATE TABLE #Pairs (
        LayerIdx      INT            NOT NULL,
        FirstIndex    BIGINT         NOT NULL,
        PositionCount INT            NOT NULL,
        NowFrom       DATETIME2(7)   NOT NULL,
        NowWidth      TINYINT        NOT NULL,
        NowOrdinals   VARBINARY(MAX) NOT NULL,
        ThenWidth     TINYINT        NOT NULL,
        ThenOrdinals  VARBINARY(MAX) NOT NULL,
        PRIMARY KEY CLUSTERED (LayerIdx, FirstIndex)
    );
    CREATE TABLE #Now (
        LayerIdx       INT    NOT NULL,
        FirstIndex     BIGINT NOT NULL,
        PositionOffset INT    NOT NULL,
        Ordinal        INT    NOT NULL,
        PRIMARY KEY CLUSTERED (LayerIdx, FirstIndex, PositionOffset)
    );
    -- The positions whose value at @To differs from their value now.
    CREATE TABLE #Changes (
        LayerIdx       INT    NOT NULL,
        FirstIndex     BIGINT NOT NULL,
        PositionOffset INT    NOT NULL,
        FromOrdinal    INT    NOT NULL,
        ToOrdinal      INT    NOT NULL,
        PRIMARY KEY CLUSTERED (LayerIdx, FirstIndex, PositionOffset)
    );

    -- The model's weight lock, shared among writers and taken before their transaction begins (see
    -- dbo.sp_CreateWeightSnapshot for why it is a session lock).
    DECLARE @weightLock NVARCHAR(255) = CONCAT(N'hart.weights.', @ModelId), @lockResult INT;
    EXEC @lockResult = sys.sp_getapplock @Resource = @weightLock, @LockMode = 'Shared', @LockOwner = 'Session',
                                         @LockTimeout = 60000;
    IF @lockResult < 0
    BEGIN
        SET @message = CONCAT(N'model ', @ModelId, N': timed out waiting for a weight snapshot to finish');
        THROW 50409, @message, 1;
    END;

    BEGIN TRY
        BEGIN TRANSACTION;
        -- The model's tensor lock (dbo.sp_UpdateWeights), before the atoms are touched.
        EXEC @tensorResult = sys.sp_getapplock @Resource = @tensorLock, @LockMode = 'Exclusive',
                                               @LockOwner = 'Transaction', @LockTimeout = 60000;
        IF @tensorResult < 0
        BEGIN
            SET @message = CONCAT(N'model ', @ModelId, N': timed out waiting for another weight update to finish');
            THROW 50409, @message, 1;
        END;

        INSERT INTO #Pairs (LayerIdx, FirstIndex, PositionCount, NowFrom, NowWidth, NowOrdinals, ThenWidth,
                            ThenOrdinals)
        SELECT s.LayerIdx, s.FirstIndex, s.PositionCount, s.ValidFrom, s.OrdinalWidth, s.Ordinals, h.OrdinalWidth,
               h.Ordinals
        FROM dbo.TensorSegments AS s WITH (UPDLOCK, HOLDLOCK)
        INNER JOIN dbo.TensorSegmentsHistory AS h
            ON h.ModelId = s.ModelId AND h.LayerIdx = s.LayerIdx AND h.FirstIndex = s.FirstIndex
           AND h.ValidFrom <= @To AND h.ValidTo > @To
        WHERE s.ModelId = @ModelId AND s.ValidFrom > @To;

        INSERT INTO #Now (LayerIdx, FirstIndex, PositionOffset, Ordinal)
        SELECT p.LayerIdx, p.FirstIndex, n.PositionOffset, n.Ordinal
        FROM #Pairs AS p
        CROSS APPLY dbo.fn_SegmentPositions(p.FirstIndex, 1, 0, p.NowWidth, p.NowOrdinals, 0,
                                            p.PositionCount - 1) AS n;

        INSERT INTO #Changes (LayerIdx, FirstIndex, PositionOffset, FromOrdinal, ToOrdinal)
        SELECT n.LayerIdx, n.FirstIndex, n.PositionOffset, n.Ordinal, t.Ordinal
        FROM #Pairs AS p
        CROSS APPLY dbo.fn_SegmentPositions(p.FirstIndex, 1, 0, p.ThenWidth, p.ThenOrdinals, 0,
                                            p.PositionCount - 1) AS t
        INNER JOIN #Now AS n
            ON n.LayerIdx = p.LayerIdx AND n.FirstIndex = p.FirstIndex AND n.PositionOffset = t.PositionOffset
        WHERE n.Ordinal <> t.Ordinal;
        SET @Changed = @@ROWCOUNT;

        IF @DryRun = 0 AND @Changed > 0
        BEGIN
            SELECT @Latest = MAX(p.NowFrom)
            FROM #Pairs AS p
            WHERE EXISTS (SELECT 1 FROM #Changes AS c WHERE c.LayerIdx = p.LayerIdx AND c.FirstIndex = p.FirstIndex);
            SELECT @Now = VersionTime FROM dbo.fn_WeightVersionTime(@ModelId, @Latest);

            INSERT INTO dbo.TensorSegmentsHistory (ModelId, LayerIdx, FirstIndex, PositionCount, SizeX, SizeY,
                                                   OrdinalWidth, Ordinals, ValidFrom, ValidTo, Replaced)
            SELECT @ModelId, s.LayerIdx, s.FirstIndex, s.PositionCount, s.SizeX, s.SizeY, s.OrdinalWidth, s.Ordinals,
                   s.ValidFrom, @Now, r.Replaced
            FROM dbo.TensorSegments AS s
            INNER JOIN (
                SELECT LayerIdx, FirstIndex, COUNT(*) AS Replaced
                FROM #Changes
                GROUP BY LayerIdx, FirstIndex
            ) AS r ON r.LayerIdx = s.LayerIdx AND r.FirstIndex = s.FirstIndex
            WHERE s.ModelId = @ModelId;

            -- The version valid at @To was packed at the fewest bytes its ordinals need: it is copied as it is.
            UPDATE s
            SET OrdinalWidth = p.ThenWidth, Ordinals = p.ThenOrdinals, ValidFrom = @Now
            FROM dbo.TensorSegments AS s
            INNER JOIN #Pairs AS p ON p.LayerIdx = s.LayerIdx AND p.FirstIndex = s.FirstIndex
            WHERE s.ModelId = @ModelId
              AND EXISTS (SELECT 1 FROM #Changes AS c WHERE c.LayerIdx = p.LayerIdx AND c.FirstIndex = p.FirstIndex);

            UPDATE d
            SET Occurrences = d.Occurrences + x.Delta
            FROM dbo.TensorDictionary AS d
            INNER JOIN (
                SELECT o.Ordinal, SUM(o.Delta) AS Delta
                FROM (
                    SELECT ToOrdinal AS Ordinal, CAST(1 AS BIGINT) AS Delta FROM #Changes
                    UNION ALL
                    SELECT FromOrdinal, CAST(-1 AS BIGINT) FROM #Changes
                ) AS o
                GROUP BY o.Ordinal
            ) AS x ON x.Ordinal = d.Ordinal
            WHERE d.ModelId = @ModelId AND x.Delta <> 0;

            UPDATE a
            SET ReferenceCount = a.ReferenceCount + r.Delta
            FROM dbo.Atoms AS a
            INNER JOIN (
                SELECT d.AtomId, SUM(o.Delta) AS Delta
                FROM (
                    SELECT ToOrdinal AS Ordinal, CAST(1 AS BIGINT) AS Delta FROM #Changes
                    UNION ALL
                    SELECT FromOrdinal, CAST(-1 AS BIGINT) FROM #Changes
                ) AS o
                INNER JOIN dbo.TensorDictionary AS d ON d.ModelId = @ModelId AND d.Ordinal = o.Ordinal
                GROUP BY d.AtomId
            ) AS r ON r.AtomId = a.AtomId
            WHERE r.Delta <> 0;

            -- The new weight version: the time the restored segments carry (ValidFrom = @Now).
            INSERT INTO dbo.ModelWeightChanges (ModelId, ChangedAt) VALUES (@ModelId, @Now);
        END;
        COMMIT TRANSACTION;
        EXEC sys.sp_releaseapplock @Resource = @weightLock, @LockOwner = 'Session';
    END TRY
    BEGIN CATCH
        IF @@TRANCOUNT > 0
            ROLLBACK TRANSACTION;
        IF APPLOCK_MODE(N'public', @weightLock, 'Session') <> 'NoLock'
            EXEC sys.sp_releaseapplock @Resource = @weightLock, @LockOwner = 'Session';
        THROW;
    END CATCH;

    SELECT @ModelId AS ModelId, @To AS RollbackTo, @Changed AS CoefficientsChanged, @DryRun AS DryRun;
END;
GO

-- Names the model's current weights. Result: the snapshot (SnapshotId, ModelId, Name, TakenAt).
CREATE OR ALTER PROCEDURE dbo.sp_CreateWeightSnapshot
    @ModelId BIGINT,
    @Name    NVARCHAR(128)
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message NVARCHAR(2048), @SnapshotId BIGINT;
    IF @Name IS NULL OR LEN(@Name) = 0 OR LEN(@Name) > 128
        THROW 50400, N'a snapshot needs a name of 1-128 characters', 1;
    IF NOT EXISTS (SELECT 1 FROM dbo.Models WHERE ModelId = @ModelId)
    BEGIN
        SET @message = CONCAT(N'model ', @ModelId, N' not found');
        THROW 50404, @message, 1;
    END;
    -- A weight version carries the time its writer read inside its transaction, not its commit time: a weight update
    -- that read it before SYSUTCDATETIME() here but committed after it would be visible AS OF TakenAt although it was
    -- not committed when the snapshot was named. So the snapshot takes the model's weight lock exclusively, as a session lock, and
    -- reads the time while it holds it: every writer (dbo.sp_UpdateWeights, dbo.sp_RollbackWeightsToTimestamp) holds
    -- the lock shared from before its transaction begins until it commits, so each one either committed before
    -- TakenAt or begins after it.
    DECLARE @weightLock NVARCHAR(255) = CONCAT(N'hart.weights.', @ModelId), @lockResult INT;
    EXEC @lockResult = sys.sp_getapplock @Resource = @weightLock, @LockMode = 'Exclusive', @LockOwner = 'Session',
                                         @LockTimeout = 60000;
    IF @lockResult < 0
    BEGIN
        SET @message = CONCAT(N'model ', @ModelId, N': timed out waiting for weight updates to finish');
        THROW 50409, @message, 1;
    END;
    BEGIN TRY
        INSERT INTO dbo.WeightSnapshots (ModelId, Name, TakenAt) VALUES (@ModelId, @Name, SYSUTCDATETIME());
        SET @SnapshotId = SCOPE_IDENTITY();
        EXEC sys.sp_releaseapplock @Resource = @weightLock, @LockOwner = 'Session';
    END TRY
    BEGIN CATCH
        IF APPLOCK_MODE(N'public', @weightLock, 'Session') <> 'NoLock'
            EXEC sys.sp_releaseapplock @Resource = @weightLock, @LockOwner = 'Session';
        IF ERROR_NUMBER() IN (2601, 2627)
        BEGIN
            SET @message = CONCAT(N'model ', @ModelId, N' already has a snapshot named ''', @Name, N'''');
            THROW 50409, @message, 1;
        END;
        THROW;
    END CATCH;
    SELECT SnapshotId, ModelId, Name, TakenAt FROM dbo.WeightSnapshots WHERE SnapshotId = @SnapshotId;
END;
GO

CREATE OR ALTER PROCEDURE dbo.sp_ListWeightSnapshots
    @ModelId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message NVARCHAR(2048);
    IF NOT EXISTS (SELECT 1 FROM dbo.Models WHERE ModelId = @ModelId)
    BEGIN
        SET @message = CONCAT(N'model ', @ModelId, N' not found');
        THROW 50404, @message, 1;
    END;
    SELECT SnapshotId, ModelId, Name, TakenAt
    FROM dbo.WeightSnapshots
    WHERE ModelId = @ModelId
    ORDER BY TakenAt, SnapshotId;
END;
GO

-- Rolls the snapshot's model back to the moment the snapshot was taken (same result as the rollback procedure).
CREATE OR ALTER PROCEDURE dbo.sp_RestoreWeightSnapshot
    @SnapshotId BIGINT,
    @DryRun     BIT = 1
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message NVARCHAR(2048), @ModelId BIGINT, @TakenAt DATETIME2(7);
    SELECT @ModelId = ModelId, @TakenAt = TakenAt FROM dbo.WeightSnapshots WHERE SnapshotId = @SnapshotId;
    IF @ModelId IS NULL
    BEGIN
        SET @message = CONCAT(N'snapshot ', @SnapshotId, N' not found');
        THROW 50404, @message, 1;
    END;
    EXEC dbo.sp_RollbackWeightsToTimestamp @ModelId = @ModelId, @To = @TakenAt, @DryRun = @DryRun;
END;
GO
