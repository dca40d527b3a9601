-- Models, tensors and weights. Mirrors embedded/020_models.sql and 160-165. ModelLayers is system-versioned (the
-- embedded engine keeps the same history with a trigger); weights are versioned tensor segments whose history the
-- procedures write (below). Both are what AS OF reads, rollback and snapshots are built on. The history table of
-- ModelLayers has exactly the columns of its current table, in the same order.

IF OBJECT_ID(N'dbo.Models', N'U') IS NULL
    CREATE TABLE dbo.Models (
        ModelId        BIGINT IDENTITY(1, 1) NOT NULL,
        ParentAtomId   BIGINT        NOT NULL,
        JobId          BIGINT        NOT NULL,
        Name           NVARCHAR(256) COLLATE Latin1_General_100_CS_AS NOT NULL,
        Format         VARCHAR(32)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        TensorCount    INT           NOT NULL,
        ParameterCount BIGINT        NOT NULL,
        Metadata       NVARCHAR(MAX) NULL,
        CreatedAt      DATETIME2(7)  NOT NULL CONSTRAINT DF_Models_CreatedAt DEFAULT SYSUTCDATETIME(),
        CONSTRAINT PK_Models PRIMARY KEY CLUSTERED (ModelId),
        CONSTRAINT UQ_Models_ParentAtom UNIQUE (ParentAtomId),
        CONSTRAINT FK_Models_ParentAtom FOREIGN KEY (ParentAtomId) REFERENCES dbo.Atoms (AtomId)
    );
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Models_Job' AND object_id = OBJECT_ID(N'dbo.Models'))
    CREATE NONCLUSTERED INDEX IX_Models_Job ON dbo.Models (JobId);
GO

-- What running the model needs besides its tensors (ONNX: the ModelProto without the stored tensors' data); NULL for
-- formats the substrate cannot run. Added to databases deployed before it existed.
IF COL_LENGTH(N'dbo.Models', N'Structure') IS NULL
    ALTER TABLE dbo.Models ADD Structure VARBINARY(MAX) NULL;
GO

-- One row per tensor: name, shape (outermost first, as text "[a,b,c]"), source dtype and stored subtype.
-- The history table, its index and the versioned table are created in one transaction: a failure part-way
-- leaves none of them, so running the script again starts clean instead of tripping on a lone history table.
SET XACT_ABORT ON;
BEGIN TRANSACTION;
IF OBJECT_ID(N'dbo.ModelLayers', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.ModelLayersHistory (
        ModelId      BIGINT        NOT NULL,
        LayerIdx     INT           NOT NULL,
        Name         NVARCHAR(512) COLLATE Latin1_General_100_CS_AS NOT NULL,
        Shape        VARCHAR(512)  COLLATE Latin1_General_100_BIN2 NOT NULL,
        DType        VARCHAR(16)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        StoredAs     VARCHAR(16)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        ElementCount BIGINT        NOT NULL,
        ValidFrom    DATETIME2(7)  NOT NULL,
        ValidTo      DATETIME2(7)  NOT NULL
    );

    CREATE CLUSTERED INDEX CIX_ModelLayersHistory ON dbo.ModelLayersHistory (ModelId, LayerIdx, ValidTo, ValidFrom);

    CREATE TABLE dbo.ModelLayers (
        ModelId      BIGINT        NOT NULL,
        LayerIdx     INT           NOT NULL,
        Name         NVARCHAR(512) COLLATE Latin1_General_100_CS_AS NOT NULL,
        Shape        VARCHAR(512)  COLLATE Latin1_General_100_BIN2 NOT NULL,
        DType        VARCHAR(16)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        StoredAs     VARCHAR(16)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        ElementCount BIGINT        NOT NULL,
        ValidFrom    DATETIME2(7) GENERATED ALWAYS AS ROW START NOT NULL,
        ValidTo      DATETIME2(7) GENERATED ALWAYS AS ROW END HIDDEN NOT NULL,
        PERIOD FOR SYSTEM_TIME (ValidFrom, ValidTo),
        CONSTRAINT PK_ModelLayers PRIMARY KEY CLUSTERED (ModelId, LayerIdx),
        CONSTRAINT UQ_ModelLayers_Name UNIQUE (ModelId, Name),
        CONSTRAINT FK_ModelLayers_Model FOREIGN KEY (ModelId) REFERENCES dbo.Models (ModelId) ON DELETE CASCADE
    )
    WITH (SYSTEM_VERSIONING = ON (HISTORY_TABLE = dbo.ModelLayersHistory, DATA_CONSISTENCY_CHECK = ON));
END;
COMMIT TRANSACTION;
GO

-- Weights (docs/decisions.md, "Tensors in segments" / "Tensor segments on SQL Server"): a tensor is stored as
-- versioned segments, one dbo.TensorSegments row per run of at most 4,096 consecutive row-major elements inside one
-- aligned block of 4,096, its values packed as ordinals into the model's dictionary (dbo.TensorDictionary). Element i
-- of a segment's tensor sits at x = i % SizeX, y = (i / SizeX) % SizeY, z = i / (SizeX * SizeY) (x innermost, y next,
-- z the rest flattened: the (x, y, z) of the row table this replaces); its value is the dictionary entry whose
-- Ordinal is bytes [k*w, k*w + w) of Ordinals, k = i - FirstIndex, w = OrdinalWidth, big-endian, as composition
-- segments pack theirs (sql/020). ValidFrom: when this version was written (the chunk, update or rollback that wrote
-- it). The segment's key never changes while its model lives, so the versions of one run share it.
IF OBJECT_ID(N'dbo.TensorSegments', N'U') IS NULL
    CREATE TABLE dbo.TensorSegments (
        ModelId       BIGINT         NOT NULL,
        LayerIdx      INT            NOT NULL,
        FirstIndex    BIGINT         NOT NULL,
        PositionCount INT            NOT NULL,
        SizeX         BIGINT         NOT NULL,
        SizeY         BIGINT         NOT NULL,
        OrdinalWidth  TINYINT        NOT NULL,
        Ordinals      VARBINARY(MAX) NOT NULL,
        ValidFrom     DATETIME2(7)   NOT NULL,
        CONSTRAINT PK_TensorSegments PRIMARY KEY CLUSTERED (ModelId, LayerIdx, FirstIndex),
        CONSTRAINT CK_TensorSegments_Count CHECK (PositionCount BETWEEN 1 AND 4096),
        CONSTRAINT CK_TensorSegments_Block CHECK (
            FirstIndex >= 0 AND FirstIndex / 4096 = (FirstIndex + PositionCount - 1) / 4096),
        CONSTRAINT CK_TensorSegments_Sizes CHECK (SizeX >= 1 AND SizeY >= 1),
        CONSTRAINT CK_TensorSegments_Width CHECK (OrdinalWidth BETWEEN 1 AND 4),
        CONSTRAINT CK_TensorSegments_Bytes CHECK (DATALENGTH(Ordinals) = PositionCount * OrdinalWidth)
    );
GO

-- Old versions of segments, valid over [ValidFrom, ValidTo), written by the procedures that replace them (072, 078):
-- system versioning would record neither one time per operation nor Replaced, how many of the version's values the
-- next version changed (all of them when the segment was removed): the number of rows the row table's history held
-- for it. AS OF T is, per segment key, the current version if its ValidFrom <= T, else the history version with
-- ValidFrom <= T < ValidTo (at most one).
IF OBJECT_ID(N'dbo.TensorSegmentsHistory', N'U') IS NULL
    CREATE TABLE dbo.TensorSegmentsHistory (
        ModelId       BIGINT         NOT NULL,
        LayerIdx      INT            NOT NULL,
        FirstIndex    BIGINT         NOT NULL,
        PositionCount INT            NOT NULL,
        SizeX         BIGINT         NOT NULL,
        SizeY         BIGINT         NOT NULL,
        OrdinalWidth  TINYINT        NOT NULL,
        Ordinals      VARBINARY(MAX) NOT NULL,
        ValidFrom     DATETIME2(7)   NOT NULL,
        ValidTo       DATETIME2(7)   NOT NULL,
        Replaced      INT            NOT NULL,
        CONSTRAINT PK_TensorSegmentsHistory PRIMARY KEY CLUSTERED (ModelId, LayerIdx, FirstIndex, ValidTo),
        CONSTRAINT CK_TensorSegmentsHistory_Period CHECK (ValidTo > ValidFrom),
        CONSTRAINT CK_TensorSegmentsHistory_Replaced CHECK (Replaced BETWEEN 0 AND PositionCount)
    );
GO

-- Retention (ops.sp_PurgeHistory) looks versions up by the end of their period.
IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'IX_TensorSegmentsHistory_ValidTo' AND object_id = OBJECT_ID(N'dbo.TensorSegmentsHistory')
)
    CREATE NONCLUSTERED INDEX IX_TensorSegmentsHistory_ValidTo
        ON dbo.TensorSegmentsHistory (ValidTo) INCLUDE (ValidFrom, PositionCount, Replaced);
GO

-- The model's distinct values, numbered 0, 1, 2 ... as they first appear (in each chunk's atom order, then in update
-- order). One dictionary per model, not per tensor: a model's tensors share most of their values. Occurrences counts
-- the current segments' positions holding the atom: what the model adds to its ReferenceCount. An entry may fall to
-- 0 and stays while a history version may point at it; a leaf atom listed in any model's dictionary is never purged,
-- so every value AS OF or a rollback needs stays.
IF OBJECT_ID(N'dbo.TensorDictionary', N'U') IS NULL
    CREATE TABLE dbo.TensorDictionary (
        ModelId     BIGINT NOT NULL,
        Ordinal     INT    NOT NULL,
        AtomId      BIGINT NOT NULL,
        Occurrences BIGINT NOT NULL,
        CONSTRAINT PK_TensorDictionary PRIMARY KEY CLUSTERED (ModelId, Ordinal),
        CONSTRAINT UQ_TensorDictionary_Atom UNIQUE (ModelId, AtomId),
        CONSTRAINT CK_TensorDictionary_Ordinal CHECK (Ordinal >= 0),
        CONSTRAINT CK_TensorDictionary_Occurrences CHECK (Occurrences >= 0)
    );
GO

-- "Which models use atom A, how often", and the purge check that no dictionary lists a leaf any longer.
IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'IX_TensorDictionary_Atom' AND object_id = OBJECT_ID(N'dbo.TensorDictionary')
)
    CREATE NONCLUSTERED INDEX IX_TensorDictionary_Atom ON dbo.TensorDictionary (AtomId);
GO

-- The extents of a tensor's innermost dimension and of the one before it, from dbo.ModelLayers.Shape (outermost
-- first, "[a,b,c]": a JSON array); 1 for a dimension the tensor lacks or that is 0. The engine's TensorGrid.of is the
-- same computation; the engine reads these (dbo.sp_GetTensorGrids) rather than computing its own.
CREATE OR ALTER FUNCTION dbo.fn_TensorGrid (@Shape VARCHAR(512))
RETURNS TABLE
AS
RETURN
    SELECT
        COALESCE((SELECT CASE WHEN CAST(j.value AS BIGINT) < 1 THEN 1 ELSE CAST(j.value AS BIGINT) END
                  FROM OPENJSON(@Shape) AS j
                  WHERE CAST(j.[key] AS INT) = n.Dimensions - 1), 1) AS SizeX,
        COALESCE((SELECT CASE WHEN CAST(j.value AS BIGINT) < 1 THEN 1 ELSE CAST(j.value AS BIGINT) END
                  FROM OPENJSON(@Shape) AS j
                  WHERE CAST(j.[key] AS INT) = n.Dimensions - 2), 1) AS SizeY
    FROM (SELECT COUNT(*) AS Dimensions FROM OPENJSON(@Shape)) AS n;
GO

-- The elements [@FromOffset, @ToOffset] of one tensor segment (offsets from its first element index) with their
-- (x, y, z) and dictionary ordinals. The ordinals are decoded by dbo.fn_SegmentPositions (sql/020, a stride of 1
-- makes its sequence index the element index), so segments of both kinds share one decode.
CREATE OR ALTER FUNCTION dbo.fn_TensorPositions (
    @FirstIndex   BIGINT,
    @SizeX        BIGINT,
    @SizeY        BIGINT,
    @OrdinalWidth TINYINT,
    @Ordinals     VARBINARY(MAX),
    @FromOffset   INT,
    @ToOffset     INT
)
RETURNS TABLE
AS
RETURN
    SELECT
        p.PositionOffset,
        p.SequenceIndex AS ElementIndex,
        p.SequenceIndex % @SizeX AS PositionX,
        p.SequenceIndex / @SizeX % @SizeY AS PositionY,
        p.SequenceIndex / (@SizeX * @SizeY) AS PositionZ,
        p.Ordinal
    FROM dbo.fn_SegmentPositions(@FirstIndex, 1, 0, @OrdinalWidth, @Ordinals, @FromOffset, @ToOffset) AS p;
GO

-- The relational face: a row per weight, with the row table's columns, expanded from the current segments against
-- the tally and the model's dictionary, so queries written for rows (a weight by position, a tensor's value
-- histogram, which tensors use atom A) run unchanged. SpatialKey is computed, not indexed. The engine's reads do not
-- come through here: they read segments and decode them.
CREATE OR ALTER VIEW dbo.TensorAtomCoefficients
AS
SELECT
    s.ModelId,
    s.LayerIdx,
    p.PositionZ,
    p.PositionY,
    p.PositionX,
    d.AtomId AS TensorAtomId,
    geometry::Point(p.PositionX, p.PositionY, 0) AS SpatialKey,
    s.ValidFrom
FROM dbo.TensorSegments AS s
CROSS APPLY dbo.fn_TensorPositions(s.FirstIndex, s.SizeX, s.SizeY, s.OrdinalWidth, s.Ordinals, 0,
                                   s.PositionCount - 1) AS p
INNER JOIN dbo.TensorDictionary AS d ON d.ModelId = s.ModelId AND d.Ordinal = p.Ordinal;
GO

-- Every position of every old version, valid over the version's [ValidFrom, ValidTo): the seed-style AS OF query
-- (... FROM dbo.TensorAtomCoefficients WHERE ValidFrom <= @T UNION ALL ... FROM dbo.TensorAtomCoefficientsHistory
-- WHERE ValidFrom <= @T AND ValidTo > @T) answers as it did over rows.
CREATE OR ALTER VIEW dbo.TensorAtomCoefficientsHistory
AS
SELECT
    s.ModelId,
    s.LayerIdx,
    p.PositionZ,
    p.PositionY,
    p.PositionX,
    d.AtomId AS TensorAtomId,
    geometry::Point(p.PositionX, p.PositionY, 0) AS SpatialKey,
    s.ValidFrom,
    s.ValidTo
FROM dbo.TensorSegmentsHistory AS s
CROSS APPLY dbo.fn_TensorPositions(s.FirstIndex, s.SizeX, s.SizeY, s.OrdinalWidth, s.Ordinals, 0,
                                   s.PositionCount - 1) AS p
INNER JOIN dbo.TensorDictionary AS d ON d.ModelId = s.ModelId AND d.Ordinal = p.Ordinal;
GO

IF OBJECT_ID(N'dbo.WeightSnapshots', N'U') IS NULL
    CREATE TABLE dbo.WeightSnapshots (
        SnapshotId BIGINT IDENTITY(1, 1) NOT NULL,
        ModelId    BIGINT        NOT NULL,
        Name       NVARCHAR(128) COLLATE Latin1_General_100_CS_AS NOT NULL,
        TakenAt    DATETIME2(7)  NOT NULL,
        CONSTRAINT PK_WeightSnapshots PRIMARY KEY CLUSTERED (SnapshotId),
        CONSTRAINT UQ_WeightSnapshots_Name UNIQUE (ModelId, Name),
        CONSTRAINT FK_WeightSnapshots_Model FOREIGN KEY (ModelId) REFERENCES dbo.Models (ModelId) ON DELETE CASCADE
    );
GO
