-- Bulk-load staging. The SQL Server engine streams a chunk's distinct atoms, its composition segments (or rows) and
-- its tensor segments into these tables with SQLServerBulkCopy, keyed by a per-attempt BatchId. dbo.sp_WriteChunk
-- then merges the batch into the real tables in one transaction and deletes it. Rows refer to atoms by ordinal (position in the
-- chunk's atom list), never by id: ids exist only after the merge.
-- JobId lets a failed or completed job sweep batches that a crashed writer left behind.
-- Concurrency: each table is clustered on BatchId, loaded WITHOUT TABLOCK and never escalates to a table lock,
-- so different jobs' loads, merges and deletes touch only their own rows. (They were heaps loaded with TABLOCK:
-- the bulk-update lock lets bulk loads share a heap but keeps every other process out of it, so one job's load
-- held back every other job's merge and sweep; on a clustered table TABLOCK would serialize the loads.)
-- The column order here is the bulk-copy column order (see the engine's staging adapters).

IF OBJECT_ID(N'dbo.StagingAtoms', N'U') IS NULL
    CREATE TABLE dbo.StagingAtoms (
        BatchId     UNIQUEIDENTIFIER NOT NULL,
        JobId       BIGINT           NOT NULL,
        Ordinal     INT              NOT NULL,
        ContentHash BINARY(32)       NOT NULL,
        Modality    VARCHAR(16)      COLLATE Latin1_General_100_BIN2 NOT NULL,
        Subtype     VARCHAR(16)      COLLATE Latin1_General_100_BIN2 NOT NULL,
        AtomicValue VARBINARY(64)    NOT NULL
    );
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes
               WHERE object_id = OBJECT_ID(N'dbo.StagingAtoms') AND name = N'CX_StagingAtoms_Batch')
    CREATE CLUSTERED INDEX CX_StagingAtoms_Batch ON dbo.StagingAtoms (BatchId, Ordinal);
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes
               WHERE object_id = OBJECT_ID(N'dbo.StagingAtoms') AND name = N'IX_StagingAtoms_Job')
    CREATE NONCLUSTERED INDEX IX_StagingAtoms_Job ON dbo.StagingAtoms (JobId);
GO

ALTER TABLE dbo.StagingAtoms SET (LOCK_ESCALATION = DISABLE);
GO

IF OBJECT_ID(N'dbo.StagingCompositions', N'U') IS NULL
    CREATE TABLE dbo.StagingCompositions (
        BatchId       UNIQUEIDENTIFIER NOT NULL,
        JobId         BIGINT           NOT NULL,
        SequenceIndex BIGINT           NOT NULL,
        PositionX     BIGINT           NOT NULL,
        PositionY     BIGINT           NOT NULL,
        AtomOrdinal   INT              NOT NULL
    );
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes
               WHERE object_id = OBJECT_ID(N'dbo.StagingCompositions') AND name = N'CX_StagingCompositions_Batch')
    CREATE CLUSTERED INDEX CX_StagingCompositions_Batch ON dbo.StagingCompositions (BatchId, SequenceIndex);
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes
               WHERE object_id = OBJECT_ID(N'dbo.StagingCompositions') AND name = N'IX_StagingCompositions_Job')
    CREATE NONCLUSTERED INDEX IX_StagingCompositions_Job ON dbo.StagingCompositions (JobId);
GO

ALTER TABLE dbo.StagingCompositions SET (LOCK_ESCALATION = DISABLE);
GO

-- A chunk's composition positions as segments (sql/020): the engine infers the layout and packs the rows' atom
-- ordinals (indexes into the chunk's StagingAtoms, not yet the parent's dictionary) per run; dbo.sp_WriteChunk maps
-- them to the parent's dictionary and repacks them. Chunks whose positions follow no layout use StagingCompositions.
IF OBJECT_ID(N'dbo.StagingSegments', N'U') IS NULL
    CREATE TABLE dbo.StagingSegments (
        BatchId       UNIQUEIDENTIFIER NOT NULL,
        JobId         BIGINT           NOT NULL,
        FirstSequence BIGINT           NOT NULL,
        PositionCount INT              NOT NULL,
        Stride        BIGINT           NOT NULL,
        ColumnMajor   BIT              NOT NULL,
        OrdinalWidth  TINYINT          NOT NULL,
        Ordinals      VARBINARY(MAX)   NOT NULL
    );
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes
               WHERE object_id = OBJECT_ID(N'dbo.StagingSegments') AND name = N'CX_StagingSegments_Batch')
    CREATE CLUSTERED INDEX CX_StagingSegments_Batch ON dbo.StagingSegments (BatchId, FirstSequence);
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes
               WHERE object_id = OBJECT_ID(N'dbo.StagingSegments') AND name = N'IX_StagingSegments_Job')
    CREATE NONCLUSTERED INDEX IX_StagingSegments_Job ON dbo.StagingSegments (JobId);
GO

ALTER TABLE dbo.StagingSegments SET (LOCK_ESCALATION = DISABLE);
GO

-- A chunk's coefficient rows as tensor segments (sql/021): the engine derives each row's element index from its
-- tensor's grid (dbo.sp_GetTensorGrids), cuts the rows into runs inside aligned blocks of 4,096 and packs their atom
-- ordinals (indexes into the chunk's StagingAtoms, not yet the model's dictionary); dbo.sp_WriteChunk checks them
-- against the tensors, maps them to the model's dictionary and repacks them.
IF OBJECT_ID(N'dbo.StagingTensorSegments', N'U') IS NULL
    CREATE TABLE dbo.StagingTensorSegments (
        BatchId       UNIQUEIDENTIFIER NOT NULL,
        JobId         BIGINT           NOT NULL,
        LayerIdx      INT              NOT NULL,
        FirstIndex    BIGINT           NOT NULL,
        PositionCount INT              NOT NULL,
        SizeX         BIGINT           NOT NULL,
        SizeY         BIGINT           NOT NULL,
        OrdinalWidth  TINYINT          NOT NULL,
        Ordinals      VARBINARY(MAX)   NOT NULL
    );
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes
               WHERE object_id = OBJECT_ID(N'dbo.StagingTensorSegments') AND name = N'CX_StagingTensorSegments_Batch')
    CREATE CLUSTERED INDEX CX_StagingTensorSegments_Batch ON dbo.StagingTensorSegments
        (BatchId, LayerIdx, FirstIndex);
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes
               WHERE object_id = OBJECT_ID(N'dbo.StagingTensorSegments') AND name = N'IX_StagingTensorSegments_Job')
    CREATE NONCLUSTERED INDEX IX_StagingTensorSegments_Job ON dbo.StagingTensorSegments (JobId);
GO

ALTER TABLE dbo.StagingTensorSegments SET (LOCK_ESCALATION = DISABLE);
GO

-- Table types: the same rows as table-valued parameters, for chunks too small to be worth a bulk copy and for
-- callers without a bulk-copy API. dbo.sp_WriteChunkFromTables stages them and runs the same merge.
IF TYPE_ID(N'dbo.AtomChunkType') IS NULL
    CREATE TYPE dbo.AtomChunkType AS TABLE (
        Ordinal     INT           NOT NULL PRIMARY KEY,
        ContentHash BINARY(32)    NOT NULL,
        Modality    VARCHAR(16)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        Subtype     VARCHAR(16)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        AtomicValue VARBINARY(64) NOT NULL
    );
GO

IF TYPE_ID(N'dbo.CompositionChunkType') IS NULL
    CREATE TYPE dbo.CompositionChunkType AS TABLE (
        SequenceIndex BIGINT NOT NULL,
        PositionX     BIGINT NOT NULL,
        PositionY     BIGINT NOT NULL,
        AtomOrdinal   INT    NOT NULL
    );
GO

IF TYPE_ID(N'dbo.SegmentChunkType') IS NULL
    CREATE TYPE dbo.SegmentChunkType AS TABLE (
        FirstSequence BIGINT         NOT NULL,
        PositionCount INT            NOT NULL,
        Stride        BIGINT         NOT NULL,
        ColumnMajor   BIT            NOT NULL,
        OrdinalWidth  TINYINT        NOT NULL,
        Ordinals      VARBINARY(MAX) NOT NULL
    );
GO

IF TYPE_ID(N'dbo.TensorSegmentChunkType') IS NULL
    CREATE TYPE dbo.TensorSegmentChunkType AS TABLE (
        LayerIdx      INT            NOT NULL,
        FirstIndex    BIGINT         NOT NULL,
        PositionCount INT            NOT NULL,
        SizeX         BIGINT         NOT NULL,
        SizeY         BIGINT         NOT NULL,
        OrdinalWidth  TINYINT        NOT NULL,
        Ordinals      VARBINARY(MAX) NOT NULL
    );
GO

-- A model's tensor table, for dbo.sp_RegisterModel.
IF TYPE_ID(N'dbo.ModelLayerType') IS NULL
    CREATE TYPE dbo.ModelLayerType AS TABLE (
        LayerIdx     INT           NOT NULL PRIMARY KEY,
        Name         NVARCHAR(512) COLLATE Latin1_General_100_CS_AS NOT NULL,
        Shape        VARCHAR(512)  COLLATE Latin1_General_100_BIN2 NOT NULL,
        DType        VARCHAR(16)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        StoredAs     VARCHAR(16)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        ElementCount BIGINT        NOT NULL
    );
GO

-- Weight replacements for dbo.sp_UpdateWeights, in the caller's order (Ordinal).
IF TYPE_ID(N'dbo.WeightUpdateType') IS NULL
    CREATE TYPE dbo.WeightUpdateType AS TABLE (
        Ordinal     INT           NOT NULL PRIMARY KEY,
        PositionZ   BIGINT        NOT NULL,
        PositionY   BIGINT        NOT NULL,
        PositionX   BIGINT        NOT NULL,
        ContentHash BINARY(32)    NOT NULL,
        Modality    VARCHAR(16)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        Subtype     VARCHAR(16)   COLLATE Latin1_General_100_BIN2 NOT NULL,
        AtomicValue VARBINARY(64) NOT NULL
    );
GO
