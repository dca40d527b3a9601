-- Models and weight history: listing, tensors as of any time (FOR SYSTEM_TIME AS OF), weight updates, rollback
-- and named snapshots; updates and rollbacks that change a weight append the new weight version to
-- dbo.ModelWeightChanges. Same semantics as the embedded engine's EmbeddedModelStore.

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

-- A tensor's values ordered by (z, y, x); @AsOf NULL means now, otherwise the weights as they were at @AsOf (UTC).
-- Atoms referenced by weight history are never deleted, so every past value can still be read.
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
        SELECT c.PositionX, c.PositionY, c.PositionZ, a.Subtype, a.AtomicValue
        FROM dbo.TensorAtomCoefficients AS c
        INNER JOIN dbo.Atoms AS a ON a.AtomId = c.TensorAtomId
        WHERE c.ModelId = @ModelId AND c.LayerIdx = @LayerIdx
        ORDER BY c.PositionZ, c.PositionY, c.PositionX;
    ELSE
        SELECT c.PositionX, c.PositionY, c.PositionZ, a.Subtype, a.AtomicValue
        FROM dbo.TensorAtomCoefficients FOR SYSTEM_TIME AS OF @AsOf AS c
        INNER JOIN dbo.Atoms AS a ON a.AtomId = c.TensorAtomId
        WHERE c.ModelId = @ModelId AND c.LayerIdx = @LayerIdx
        ORDER BY c.PositionZ, c.PositionY, c.PositionX;
END;
GO

-- Replaces weights of one tensor; the old values stay in history. Result: Changed (positions whose atom changed).
-- Each update's value is upserted like a chunk atom (ReferenceCount + 1 per update); then a position that already
-- held that atom gives the reference back, and a position that changed releases its previous atom.
-- Updates naming the same position more than once apply in @Updates order, as on the embedded engine.
CREATE OR ALTER PROCEDURE dbo.sp_UpdateWeights
    @ModelId  BIGINT,
    @LayerIdx INT,
    @Updates  dbo.WeightUpdateType READONLY
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message NVARCHAR(2048), @Changed INT = 0;
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
        Ordinal        INT    NOT NULL PRIMARY KEY CLUSTERED,
        PositionZ      BIGINT NOT NULL,
        PositionY      BIGINT NOT NULL,
        PositionX      BIGINT NOT NULL,
        AtomId         BIGINT NULL,
        PreviousAtomId BIGINT NULL
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

        SELECT TOP (1) @message = CONCAT(N'tensor ', @LayerIdx, N' of model ', @ModelId, N' has no position (',
                                         u.PositionX, N', ', u.PositionY, N', ', u.PositionZ, N')')
        FROM #Updates AS u
        WHERE NOT EXISTS (
            SELECT 1 FROM dbo.TensorAtomCoefficients AS c
            WHERE c.ModelId = @ModelId AND c.LayerIdx = @LayerIdx
              AND c.PositionZ = u.PositionZ AND c.PositionY = u.PositionY AND c.PositionX = u.PositionX)
        ORDER BY u.Ordinal;
        IF @@ROWCOUNT > 0
            THROW 50404, @message, 1;

        IF NOT EXISTS (
            SELECT 1 FROM #Updates GROUP BY PositionZ, PositionY, PositionX HAVING COUNT(*) > 1)
        BEGIN
            -- Every position once: one set-based pass.
            UPDATE u
            SET PreviousAtomId = c.TensorAtomId
            FROM #Updates AS u
            INNER JOIN dbo.TensorAtomCoefficients AS c WITH (UPDLOCK, HOLDLOCK)
                ON c.ModelId = @ModelId AND c.LayerIdx = @LayerIdx
               AND c.PositionZ = u.PositionZ AND c.PositionY = u.PositionY AND c.PositionX = u.PositionX;

            UPDATE c
            SET TensorAtomId = u.AtomId
            FROM dbo.TensorAtomCoefficients AS c
            INNER JOIN #Updates AS u
                ON c.ModelId = @ModelId AND c.LayerIdx = @LayerIdx
               AND c.PositionZ = u.PositionZ AND c.PositionY = u.PositionY AND c.PositionX = u.PositionX
            WHERE u.PreviousAtomId <> u.AtomId;
        END
        ELSE
        BEGIN
            -- A position named twice: apply in order, each update seeing the previous one's result.
            DECLARE @ordinal INT = (SELECT MIN(Ordinal) FROM #Updates);
            DECLARE @z BIGINT, @y BIGINT, @x BIGINT, @next BIGINT, @previous BIGINT;
            WHILE @ordinal IS NOT NULL
            BEGIN
                SELECT @z = PositionZ, @y = PositionY, @x = PositionX, @next = AtomId
                FROM #Updates WHERE Ordinal = @ordinal;
                SELECT @previous = TensorAtomId
                FROM dbo.TensorAtomCoefficients WITH (UPDLOCK, HOLDLOCK)
                WHERE ModelId = @ModelId AND LayerIdx = @LayerIdx AND PositionZ = @z AND PositionY = @y AND PositionX = @x;
                UPDATE #Updates SET PreviousAtomId = @previous WHERE Ordinal = @ordinal;
                IF @previous <> @next
                    UPDATE dbo.TensorAtomCoefficients
                    SET TensorAtomId = @next
                    WHERE ModelId = @ModelId AND LayerIdx = @LayerIdx AND PositionZ = @z AND PositionY = @y AND PositionX = @x;
                SET @ordinal = (SELECT MIN(Ordinal) FROM #Updates WHERE Ordinal > @ordinal);
            END;
        END;

        -- Each update releases the atom its position held before it: for an unchanged position that gives back
        -- the reference the upsert took, for a changed one it drops the replaced value.
        UPDATE a
        SET ReferenceCount = a.ReferenceCount - r.N
        FROM dbo.Atoms AS a
        INNER JOIN (
            SELECT PreviousAtomId AS AtomId, COUNT_BIG(*) AS N
            FROM #Updates
            GROUP BY PreviousAtomId
        ) AS r ON r.AtomId = a.AtomId;

        SELECT @Changed = COUNT(*) FROM #Updates WHERE PreviousAtomId <> AtomId;
        -- The new weight version: the begin time SQL Server stamped on the changed rows (ValidFrom).
        IF @Changed > 0
            INSERT INTO dbo.ModelWeightChanges (ModelId, ChangedAt)
            SELECT @ModelId, MAX(c.ValidFrom)
            FROM dbo.TensorAtomCoefficients AS c
            INNER JOIN #Updates AS u
                ON c.ModelId = @ModelId AND c.LayerIdx = @LayerIdx
               AND c.PositionZ = u.PositionZ AND c.PositionY = u.PositionY AND c.PositionX = u.PositionX
            WHERE u.PreviousAtomId <> u.AtomId;
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

-- Puts every weight of the model back to its value at @To. @DryRun = 1 only counts what would change.
-- Result: ModelId, RollbackTo, CoefficientsChanged, DryRun.
CREATE OR ALTER PROCEDURE dbo.sp_RollbackWeightsToTimestamp
    @ModelId BIGINT,
    @To      DATETIME2(7),
    @DryRun  BIT = 1
AS
BEGIN
    SET NOCOUNT ON;
    SET XACT_ABORT ON;
    DECLARE @message NVARCHAR(2048), @Changed BIGINT = 0;
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

    CREATE TABLE #Changes (
        LayerIdx   INT    NOT NULL,
        PositionZ  BIGINT NOT NULL,
        PositionY  BIGINT NOT NULL,
        PositionX  BIGINT NOT NULL,
        FromAtomId BIGINT NOT NULL,
        ToAtomId   BIGINT NOT NULL,
        PRIMARY KEY CLUSTERED (LayerIdx, PositionZ, PositionY, PositionX)
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
        -- Positions whose value at @To differs from their value now.
        INSERT INTO #Changes (LayerIdx, PositionZ, PositionY, PositionX, FromAtomId, ToAtomId)
        SELECT h.LayerIdx, h.PositionZ, h.PositionY, h.PositionX, cur.TensorAtomId, h.TensorAtomId
        FROM dbo.TensorAtomCoefficients FOR SYSTEM_TIME AS OF @To AS h
        INNER JOIN dbo.TensorAtomCoefficients AS cur WITH (UPDLOCK, HOLDLOCK)
            ON cur.ModelId = h.ModelId AND cur.LayerIdx = h.LayerIdx
           AND cur.PositionZ = h.PositionZ AND cur.PositionY = h.PositionY AND cur.PositionX = h.PositionX
        WHERE h.ModelId = @ModelId AND cur.TensorAtomId <> h.TensorAtomId;
        SET @Changed = @@ROWCOUNT;

        IF @DryRun = 0 AND @Changed > 0
        BEGIN
            UPDATE cur
            SET TensorAtomId = ch.ToAtomId
            FROM dbo.TensorAtomCoefficients AS cur
            INNER JOIN #Changes AS ch
                ON cur.ModelId = @ModelId AND cur.LayerIdx = ch.LayerIdx
               AND cur.PositionZ = ch.PositionZ AND cur.PositionY = ch.PositionY AND cur.PositionX = ch.PositionX;

            UPDATE a
            SET ReferenceCount = a.ReferenceCount + d.Delta
            FROM dbo.Atoms AS a
            INNER JOIN (
                SELECT x.AtomId, SUM(x.Delta) AS Delta
                FROM (
                    SELECT ToAtomId AS AtomId, CAST(1 AS BIGINT) AS Delta FROM #Changes
                    UNION ALL
                    SELECT FromAtomId, CAST(-1 AS BIGINT) FROM #Changes
                ) AS x
                GROUP BY x.AtomId
            ) AS d ON d.AtomId = a.AtomId
            WHERE d.Delta <> 0;

            -- The new weight version: the begin time SQL Server stamped on the restored rows (ValidFrom).
            INSERT INTO dbo.ModelWeightChanges (ModelId, ChangedAt)
            SELECT @ModelId, MAX(cur.ValidFrom)
            FROM dbo.TensorAtomCoefficients AS cur
            INNER JOIN #Changes AS ch
                ON cur.ModelId = @ModelId AND cur.LayerIdx = ch.LayerIdx
               AND cur.PositionZ = ch.PositionZ AND cur.PositionY = ch.PositionY AND cur.PositionX = ch.PositionX;
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
    -- System-versioned rows carry their transaction's BEGIN time, not its commit time: a weight update that began
    -- before SYSUTCDATETIME() here but committed after it would be visible AS OF TakenAt although it was not committed
    -- when the snapshot was named. So the snapshot takes the model's weight lock exclusively, as a session lock, and
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
