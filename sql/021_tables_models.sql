-- Models, tensors and weights. Mirrors embedded/020_models.sql. ModelLayers and TensorAtomCoefficients are
-- system-versioned (the embedded engine keeps the same history with triggers), which is what AS OF reads,
-- rollback and snapshots are built on. Each history table has exactly the columns of its current table, in the
-- same order; the computed SpatialKey is an ordinary geometry column there, as SQL Server requires.

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

-- One row per weight: which atom holds its value and where it sits (x innermost, y next, z the rest flattened).
-- One transaction, as above.
SET XACT_ABORT ON;
BEGIN TRANSACTION;
IF OBJECT_ID(N'dbo.TensorAtomCoefficients', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.TensorAtomCoefficientsHistory (
        ModelId      BIGINT       NOT NULL,
        LayerIdx     INT          NOT NULL,
        PositionZ    BIGINT       NOT NULL,
        PositionY    BIGINT       NOT NULL,
        PositionX    BIGINT       NOT NULL,
        TensorAtomId BIGINT       NOT NULL,
        SpatialKey   GEOMETRY     NOT NULL,
        ValidFrom    DATETIME2(7) NOT NULL,
        ValidTo      DATETIME2(7) NOT NULL
    );

    -- AS OF reads and rollback look up one tensor's positions at one instant.
    CREATE CLUSTERED INDEX CIX_TensorAtomCoefficientsHistory_Position
        ON dbo.TensorAtomCoefficientsHistory (ModelId, LayerIdx, PositionZ, PositionY, PositionX, ValidTo);

    CREATE TABLE dbo.TensorAtomCoefficients (
        ModelId      BIGINT NOT NULL,
        LayerIdx     INT    NOT NULL,
        PositionZ    BIGINT NOT NULL,
        PositionY    BIGINT NOT NULL,
        PositionX    BIGINT NOT NULL,
        TensorAtomId BIGINT NOT NULL,
        SpatialKey   AS geometry::Point(PositionX, PositionY, 0) PERSISTED NOT NULL,
        ValidFrom    DATETIME2(7) GENERATED ALWAYS AS ROW START NOT NULL,
        ValidTo      DATETIME2(7) GENERATED ALWAYS AS ROW END HIDDEN NOT NULL,
        PERIOD FOR SYSTEM_TIME (ValidFrom, ValidTo),
        CONSTRAINT PK_TensorAtomCoefficients PRIMARY KEY CLUSTERED (ModelId, LayerIdx, PositionZ, PositionY, PositionX)
    )
    WITH (SYSTEM_VERSIONING = ON (HISTORY_TABLE = dbo.TensorAtomCoefficientsHistory, DATA_CONSISTENCY_CHECK = ON));
END;
COMMIT TRANSACTION;
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'IX_TensorAtomCoefficients_Atom' AND object_id = OBJECT_ID(N'dbo.TensorAtomCoefficients')
)
    CREATE NONCLUSTERED INDEX IX_TensorAtomCoefficients_Atom ON dbo.TensorAtomCoefficients (TensorAtomId);
GO

-- Deleting a failed job's atoms must not remove values that weight history still points at.
IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'IX_TensorAtomCoefficientsHistory_Atom'
      AND object_id = OBJECT_ID(N'dbo.TensorAtomCoefficientsHistory')
)
    CREATE NONCLUSTERED INDEX IX_TensorAtomCoefficientsHistory_Atom
        ON dbo.TensorAtomCoefficientsHistory (TensorAtomId);
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
