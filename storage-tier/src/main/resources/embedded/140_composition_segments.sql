-- Issue 12: image and audio positions are stored in segments, not a row per position (docs/decisions.md,
-- "Positions in segments"). A segment is a run of at most 4,096 consecutive sequence indexes of one parent; its
-- components are packed ordinals (big-endian, OrdinalWidth bytes each) into the parent's dictionary of distinct
-- atoms. AtomCompositions becomes a view that expands the segments (and the row table beside them), so queries
-- written against rows still work: the view is made by 145, not here, so that running this script again after it
-- stopped half-way (the deployer records a script once all its batches ran) finds no AtomCompositions to rename.
DROP VIEW IF EXISTS AtomCompositionPoints
GO
-- The row table stays: it holds the rows written before this script (read through the view, converted later by the
-- migration) and rows whose positions follow no row- or column-major layout.
ALTER TABLE IF EXISTS AtomCompositions RENAME TO AtomCompositionRows
GO
ALTER INDEX IF EXISTS IX_AtomCompositions_Component RENAME TO IX_AtomCompositionRows_Component
GO
CREATE TABLE IF NOT EXISTS CompositionSegments (
    ParentAtomId  BIGINT   NOT NULL,
    FirstSequence BIGINT   NOT NULL,
    PositionCount INT      NOT NULL,
    -- Position of sequence s: row-major X = s % Stride, Y = s / Stride; column-major X = s / Stride, Y = s % Stride.
    Stride        BIGINT   NOT NULL,
    ColumnMajor   BOOLEAN  NOT NULL,
    MinX          BIGINT   NOT NULL,
    MaxX          BIGINT   NOT NULL,
    MinY          BIGINT   NOT NULL,
    MaxY          BIGINT   NOT NULL,
    OrdinalWidth  TINYINT  NOT NULL,
    Ordinals      VARBINARY(16384) NOT NULL,
    PRIMARY KEY (ParentAtomId, FirstSequence),
    CONSTRAINT CK_CompositionSegments_Count CHECK (PositionCount BETWEEN 1 AND 4096),
    CONSTRAINT CK_CompositionSegments_Stride CHECK (Stride >= 1),
    CONSTRAINT CK_CompositionSegments_Width CHECK (OrdinalWidth BETWEEN 1 AND 4),
    CONSTRAINT CK_CompositionSegments_Bytes CHECK (OCTET_LENGTH(Ordinals) = PositionCount * OrdinalWidth)
)
GO
-- The parent's distinct atoms: Occurrences is how many of its segment positions hold the atom (what the parent adds
-- to the atom's ReferenceCount), and (AtomId) answers "which parents contain atom A, how often".
CREATE TABLE IF NOT EXISTS CompositionDictionary (
    ParentAtomId BIGINT NOT NULL,
    Ordinal      INT    NOT NULL,
    AtomId       BIGINT NOT NULL,
    Occurrences  BIGINT NOT NULL,
    PRIMARY KEY (ParentAtomId, Ordinal),
    CONSTRAINT UQ_CompositionDictionary_Atom UNIQUE (ParentAtomId, AtomId),
    CONSTRAINT CK_CompositionDictionary_Occurrences CHECK (Occurrences >= 1)
)
GO
CREATE INDEX IF NOT EXISTS IX_CompositionDictionary_Atom ON CompositionDictionary (AtomId)
GO
-- 0..4095: one row per position a segment can hold, to expand segments set-based.
CREATE TABLE IF NOT EXISTS CompositionTally (N INT PRIMARY KEY)
GO
MERGE INTO CompositionTally KEY (N) SELECT X FROM SYSTEM_RANGE(0, 4095)
GO
