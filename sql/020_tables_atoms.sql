-- Atoms and where they occur. Mirrors storage-tier/src/main/resources/embedded/010_atoms.sql table for table and
-- column for column. Times are UTC (DATETIME2(7) filled from SYSUTCDATETIME()). Codes and tenant ids compare in
-- binary collation, so 'Acme' and 'acme' are different tenants here exactly as on the embedded engine.

-- dbo.Atoms is system-versioned: ReferenceCount changes and deletions keep their previous versions in
-- dbo.AtomsHistory, whose columns match the current table one for one. That history is an audit trail only
-- (tensor AS OF reads never need it, because atoms still referenced by weight history are never deleted), so it
-- is kept for a bounded period.
-- The history table, its index and the versioned table are created in one transaction: a failure part-way
-- leaves none of them, so running the script again starts clean instead of tripping on a lone history table.
SET XACT_ABORT ON;
BEGIN TRANSACTION;
IF OBJECT_ID(N'dbo.Atoms', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.AtomsHistory (
        AtomId         BIGINT         NOT NULL,
        ContentHash    BINARY(32)     NOT NULL,
        Modality       VARCHAR(16)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        Subtype        VARCHAR(16)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        AtomicValue    VARBINARY(64)  NULL,
        Metadata       NVARCHAR(MAX)  NULL,
        ReferenceCount BIGINT         NOT NULL,
        CreatedAt      DATETIME2(7)   NOT NULL,
        ValidFrom      DATETIME2(7)   NOT NULL,
        ValidTo        DATETIME2(7)   NOT NULL
    );

    -- Retention cleanup needs the history clustered on the period end.
    CREATE CLUSTERED INDEX CIX_AtomsHistory_Period ON dbo.AtomsHistory (ValidTo, ValidFrom);

    CREATE TABLE dbo.Atoms (
        AtomId         BIGINT IDENTITY(1, 1) NOT NULL,
        ContentHash    BINARY(32)     NOT NULL,
        Modality       VARCHAR(16)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        Subtype        VARCHAR(16)    COLLATE Latin1_General_100_BIN2 NOT NULL,
        AtomicValue    VARBINARY(64)  NULL,
        Metadata       NVARCHAR(MAX)  NULL,
        ReferenceCount BIGINT         NOT NULL CONSTRAINT DF_Atoms_ReferenceCount DEFAULT 0,
        CreatedAt      DATETIME2(7)   NOT NULL CONSTRAINT DF_Atoms_CreatedAt DEFAULT SYSUTCDATETIME(),
        ValidFrom      DATETIME2(7) GENERATED ALWAYS AS ROW START HIDDEN NOT NULL,
        ValidTo        DATETIME2(7) GENERATED ALWAYS AS ROW END HIDDEN NOT NULL,
        PERIOD FOR SYSTEM_TIME (ValidFrom, ValidTo),
        CONSTRAINT PK_Atoms PRIMARY KEY CLUSTERED (AtomId),
        CONSTRAINT UQ_Atoms_ContentHash UNIQUE (ContentHash),
        CONSTRAINT CK_Atoms_ReferenceCount CHECK (ReferenceCount >= 0)
    )
    WITH (
        SYSTEM_VERSIONING = ON (
            HISTORY_TABLE = dbo.AtomsHistory,
            HISTORY_RETENTION_PERIOD = 6 MONTHS,
            DATA_CONSISTENCY_CHECK = ON
        )
    );
END;
COMMIT TRANSACTION;
GO

-- Parent atoms (files) are visible only to the tenants that ingested them; leaf values are shared content.
IF OBJECT_ID(N'dbo.AtomOwners', N'U') IS NULL
    CREATE TABLE dbo.AtomOwners (
        TenantId  VARCHAR(64)  COLLATE Latin1_General_100_BIN2 NOT NULL,
        AtomId    BIGINT       NOT NULL,
        CreatedAt DATETIME2(7) NOT NULL CONSTRAINT DF_AtomOwners_CreatedAt DEFAULT SYSUTCDATETIME(),
        CONSTRAINT PK_AtomOwners PRIMARY KEY CLUSTERED (AtomId, TenantId),
        CONSTRAINT FK_AtomOwners_Atom FOREIGN KEY (AtomId) REFERENCES dbo.Atoms (AtomId) ON DELETE CASCADE
    );
GO

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_AtomOwners_Tenant' AND object_id = OBJECT_ID(N'dbo.AtomOwners'))
    CREATE NONCLUSTERED INDEX IX_AtomOwners_Tenant ON dbo.AtomOwners (TenantId, AtomId);
GO

-- Where each component sits in its parent (docs/decisions.md, "Positions in segments" / "Segments on SQL Server").
-- Positions are stored in segments: one dbo.CompositionSegments row per run of at most 4,096 consecutive sequence
-- indexes of one parent, its components packed as ordinals into the parent's dictionary (dbo.CompositionDictionary).
-- dbo.AtomCompositionRows keeps a row per position for chunks whose positions follow neither a row- nor a
-- column-major layout (and for rows dbo.sp_MigrateCompositionRows has not converted yet). dbo.AtomCompositions, the
-- relational face queries are written against, is a view over both (below).

-- A row per position. The point is computed from X/Y and persisted, so bulk copy and the writers never send geometry
-- (SRID 0: planar coordinates in pixels, frames and channels).
IF OBJECT_ID(N'dbo.AtomCompositionRows', N'U') IS NULL
    CREATE TABLE dbo.AtomCompositionRows (
        ParentAtomId    BIGINT NOT NULL,
        ComponentAtomId BIGINT NOT NULL,
        SequenceIndex   BIGINT NOT NULL,
        PositionX       BIGINT NOT NULL,
        PositionY       BIGINT NOT NULL,
        SpatialKey      AS geometry::Point(PositionX, PositionY, 0) PERSISTED NOT NULL,
        CONSTRAINT PK_AtomCompositionRows PRIMARY KEY CLUSTERED (ParentAtomId, SequenceIndex)
    );
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'IX_AtomCompositionRows_Component' AND object_id = OBJECT_ID(N'dbo.AtomCompositionRows')
)
    CREATE NONCLUSTERED INDEX IX_AtomCompositionRows_Component ON dbo.AtomCompositionRows (ComponentAtomId);
GO

-- A run of consecutive positions of one parent. Position s (FirstSequence <= s < FirstSequence + PositionCount) is
-- at X = s % Stride, Y = s / Stride (row-major: image rows) or X = s / Stride, Y = s % Stride (column-major: audio
-- frames x channels); its component is the dictionary entry whose Ordinal is bytes [i*w, i*w + w) of Ordinals,
-- i = s - FirstSequence, w = OrdinalWidth, big-endian (CAST(SUBSTRING(Ordinals, i * w + 1, w) AS INT) reads it).
-- MinX..MaxY bound the positions (dbo.fn_SegmentExtent); Envelope is that box grown by half a unit on every side,
-- the cells the positions cover, so it is a proper rectangle even for one position, under a spatial index (040).
-- Ordinals is VARBINARY(MAX) because 4,096 positions of 2-4 bytes exceed 8,000 bytes; up to 8,000 bytes it stays
-- in the row (large value types out of row is off by default).
IF OBJECT_ID(N'dbo.CompositionSegments', N'U') IS NULL
    CREATE TABLE dbo.CompositionSegments (
        ParentAtomId  BIGINT         NOT NULL,
        FirstSequence BIGINT         NOT NULL,
        PositionCount INT            NOT NULL,
        Stride        BIGINT         NOT NULL,
        ColumnMajor   BIT            NOT NULL,
        MinX          BIGINT         NOT NULL,
        MaxX          BIGINT         NOT NULL,
        MinY          BIGINT         NOT NULL,
        MaxY          BIGINT         NOT NULL,
        OrdinalWidth  TINYINT        NOT NULL,
        Ordinals      VARBINARY(MAX) NOT NULL,
        Envelope      AS geometry::Point(MinX - 0.5, MinY - 0.5, 0).STUnion(geometry::Point(MaxX + 0.5, MaxY + 0.5, 0)).STEnvelope() PERSISTED NOT NULL,
        CONSTRAINT PK_CompositionSegments PRIMARY KEY CLUSTERED (ParentAtomId, FirstSequence),
        CONSTRAINT CK_CompositionSegments_First CHECK (FirstSequence >= 0),
        CONSTRAINT CK_CompositionSegments_Count CHECK (PositionCount BETWEEN 1 AND 4096),
        CONSTRAINT CK_CompositionSegments_Stride CHECK (Stride >= 1),
        CONSTRAINT CK_CompositionSegments_Width CHECK (OrdinalWidth BETWEEN 1 AND 4),
        CONSTRAINT CK_CompositionSegments_Bytes CHECK (DATALENGTH(Ordinals) = PositionCount * OrdinalWidth)
    );
GO

-- The extents without the packed column: what overlap checks, counts and deletion batches read.
IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'IX_CompositionSegments_Span' AND object_id = OBJECT_ID(N'dbo.CompositionSegments')
)
    CREATE NONCLUSTERED INDEX IX_CompositionSegments_Span
        ON dbo.CompositionSegments (ParentAtomId, FirstSequence) INCLUDE (PositionCount);
GO

-- The parent's distinct atoms, numbered 0, 1, 2 ... as they first appear (in each chunk's atom order). Occurrences is
-- how many of the parent's segment positions hold the atom: what the parent adds to its ReferenceCount, and with
-- (AtomId) the answer to "which parents contain atom A, how often".
IF OBJECT_ID(N'dbo.CompositionDictionary', N'U') IS NULL
    CREATE TABLE dbo.CompositionDictionary (
        ParentAtomId BIGINT NOT NULL,
        Ordinal      INT    NOT NULL,
        AtomId       BIGINT NOT NULL,
        Occurrences  BIGINT NOT NULL,
        CONSTRAINT PK_CompositionDictionary PRIMARY KEY CLUSTERED (ParentAtomId, Ordinal),
        CONSTRAINT UQ_CompositionDictionary_Atom UNIQUE (ParentAtomId, AtomId),
        CONSTRAINT CK_CompositionDictionary_Ordinal CHECK (Ordinal >= 0),
        CONSTRAINT CK_CompositionDictionary_Occurrences CHECK (Occurrences >= 1)
    );
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'IX_CompositionDictionary_Atom' AND object_id = OBJECT_ID(N'dbo.CompositionDictionary')
)
    CREATE NONCLUSTERED INDEX IX_CompositionDictionary_Atom ON dbo.CompositionDictionary (AtomId);
GO

-- The positions [@FromOffset, @ToOffset] of one segment (offsets from its first sequence index) with their
-- coordinates and dictionary ordinals. Inline, so every query that expands segments (the view below, the chunk
-- merge, migration, deletion, windows of reads) is one set-based plan over GENERATE_SERIES (compatibility level
-- 160+, set by 000). The step is explicit: without it a range with @ToOffset < @FromOffset would count down. An
-- ordinal is read from VARBINARY(4) so that the cast to INT sees the 1-4 bytes themselves, padded on the left.
CREATE OR ALTER FUNCTION dbo.fn_SegmentPositions (
    @FirstSequence BIGINT,
    @Stride        BIGINT,
    @ColumnMajor   BIT,
    @OrdinalWidth  TINYINT,
    @Ordinals      VARBINARY(MAX),
    @FromOffset    INT,
    @ToOffset      INT
)
RETURNS TABLE
AS
RETURN
    SELECT
        g.value AS PositionOffset,
        @FirstSequence + g.value AS SequenceIndex,
        CASE WHEN @ColumnMajor = 1 THEN (@FirstSequence + g.value) / @Stride
             ELSE (@FirstSequence + g.value) % @Stride END AS PositionX,
        CASE WHEN @ColumnMajor = 1 THEN (@FirstSequence + g.value) % @Stride
             ELSE (@FirstSequence + g.value) / @Stride END AS PositionY,
        CAST(CAST(SUBSTRING(@Ordinals, g.value * @OrdinalWidth + 1, @OrdinalWidth) AS VARBINARY(4)) AS INT)
            AS Ordinal
    FROM GENERATE_SERIES(@FromOffset, @ToOffset, 1) AS g;
GO

-- The fewest bytes (1-4) that hold @MaxOrdinal, as the engine's PackedOrdinals.widthFor chooses them.
CREATE OR ALTER FUNCTION dbo.fn_OrdinalWidth (@MaxOrdinal INT)
RETURNS TABLE
AS
RETURN
    SELECT CAST(CASE WHEN @MaxOrdinal < 256 THEN 1
                     WHEN @MaxOrdinal < 65536 THEN 2
                     WHEN @MaxOrdinal < 16777216 THEN 3
                     ELSE 4 END AS TINYINT) AS OrdinalWidth;
GO

-- @Ordinal as @Width big-endian bytes, in hexadecimal: CAST(INT AS BINARY(4)) is big-endian and its last 2 * @Width
-- hex digits are the low @Width bytes. The hex of a segment's positions, concatenated in position order
-- (STRING_AGG ... WITHIN GROUP) and read back with CONVERT(VARBINARY(MAX), ..., 2), is its packed column: T-SQL has
-- no aggregate that concatenates binary values. VARCHAR(MAX), so that STRING_AGG is not cut at 8,000 bytes.
CREATE OR ALTER FUNCTION dbo.fn_OrdinalHex (@Ordinal INT, @Width TINYINT)
RETURNS TABLE
AS
RETURN
    SELECT CAST(RIGHT(CONVERT(VARCHAR(8), CAST(@Ordinal AS BINARY(4)), 2), 2 * @Width) AS VARCHAR(MAX)) AS Hex;
GO

-- The X/Y bounds of the positions [@FirstSequence, @FirstSequence + @PositionCount): one line (same s / Stride) spans
-- its minor coordinates from first to last, more lines span all of them. SegmentLayout.extent in the engine is the
-- same computation.
CREATE OR ALTER FUNCTION dbo.fn_SegmentExtent (
    @FirstSequence BIGINT,
    @PositionCount INT,
    @Stride        BIGINT,
    @ColumnMajor   BIT
)
RETURNS TABLE
AS
RETURN
    SELECT
        CASE WHEN @ColumnMajor = 1 THEN l.LowLine ELSE l.LowMinor END AS MinX,
        CASE WHEN @ColumnMajor = 1 THEN l.HighLine ELSE l.HighMinor END AS MaxX,
        CASE WHEN @ColumnMajor = 1 THEN l.LowMinor ELSE l.LowLine END AS MinY,
        CASE WHEN @ColumnMajor = 1 THEN l.HighMinor ELSE l.HighLine END AS MaxY
    FROM (
        SELECT
            @FirstSequence / @Stride AS LowLine,
            (@FirstSequence + @PositionCount - 1) / @Stride AS HighLine,
            CASE WHEN @FirstSequence / @Stride = (@FirstSequence + @PositionCount - 1) / @Stride
                 THEN @FirstSequence % @Stride ELSE 0 END AS LowMinor,
            CASE WHEN @FirstSequence / @Stride = (@FirstSequence + @PositionCount - 1) / @Stride
                 THEN (@FirstSequence + @PositionCount - 1) % @Stride ELSE @Stride - 1 END AS HighMinor
    ) AS l;
GO

-- The relational face: a row per position, as the table of that name had, expanded from the segments set-based and
-- UNION ALL the row table. Queries written for rows (the colour histogram of an image, the pixels of a region, a
-- position's atom) run unchanged; filters on ParentAtomId reach both branches' clustered keys. SpatialKey is
-- computed for segment positions (the spatial index is on the segments' envelopes: dbo.fn_CompositionsInRegion).
-- The engine's own reads do not come through here: they read bounded windows of segments and decode them.
CREATE OR ALTER VIEW dbo.AtomCompositions
AS
SELECT
    s.ParentAtomId,
    d.AtomId AS ComponentAtomId,
    p.SequenceIndex,
    p.PositionX,
    p.PositionY,
    geometry::Point(p.PositionX, p.PositionY, 0) AS SpatialKey
FROM dbo.CompositionSegments AS s
CROSS APPLY dbo.fn_SegmentPositions(s.FirstSequence, s.Stride, s.ColumnMajor, s.OrdinalWidth, s.Ordinals, 0,
                                    s.PositionCount - 1) AS p
INNER JOIN dbo.CompositionDictionary AS d ON d.ParentAtomId = s.ParentAtomId AND d.Ordinal = p.Ordinal
UNION ALL
SELECT ParentAtomId, ComponentAtomId, SequenceIndex, PositionX, PositionY, SpatialKey
FROM dbo.AtomCompositionRows;
GO

-- Positions inside @Region (SRID 0), of every visible parent: segments are found through the spatial index on
-- their envelopes and only theirs are expanded; rows through the index on their points.
CREATE OR ALTER FUNCTION dbo.fn_CompositionsInRegion (@Region GEOMETRY)
RETURNS TABLE
AS
RETURN
    SELECT s.ParentAtomId, d.AtomId AS ComponentAtomId, p.SequenceIndex, p.PositionX, p.PositionY
    FROM dbo.CompositionSegments AS s
    CROSS APPLY dbo.fn_SegmentPositions(s.FirstSequence, s.Stride, s.ColumnMajor, s.OrdinalWidth, s.Ordinals, 0,
                                        s.PositionCount - 1) AS p
    INNER JOIN dbo.CompositionDictionary AS d ON d.ParentAtomId = s.ParentAtomId AND d.Ordinal = p.Ordinal
    WHERE s.Envelope.STIntersects(@Region) = 1
      AND @Region.STIntersects(geometry::Point(p.PositionX, p.PositionY, 0)) = 1
    UNION ALL
    SELECT ParentAtomId, ComponentAtomId, SequenceIndex, PositionX, PositionY
    FROM dbo.AtomCompositionRows
    WHERE SpatialKey.STIntersects(@Region) = 1;
GO
