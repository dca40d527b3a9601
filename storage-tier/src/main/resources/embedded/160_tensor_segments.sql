-- Issue 12: tensors are stored in versioned segments, not a row per weight (docs/decisions.md, "Tensors in
-- segments"). A segment is a run of at most 4,096 consecutive row-major elements of one tensor inside one aligned
-- block of 4,096; its values are packed ordinals (big-endian, OrdinalWidth bytes each) into the model's dictionary.
-- History is written by the engine (one timestamp per operation, and Replaced), not by HistoryTrigger.
-- TensorAtomCoefficients becomes a view over the segments (165, a separate script so that this one can run again
-- from the start if it stopped half-way: the deployer records a script once all its batches ran).
DROP TRIGGER IF EXISTS TR_TensorAtomCoefficients_History
GO
-- The row tables stay until the migration has converted their rows.
ALTER TABLE IF EXISTS TensorAtomCoefficients RENAME TO TensorCoefficientRows
GO
ALTER TABLE IF EXISTS TensorAtomCoefficientsHistory RENAME TO TensorCoefficientRowsHistory
GO
CREATE TABLE IF NOT EXISTS TensorSegments (
    ModelId       BIGINT   NOT NULL,
    LayerIdx      INT      NOT NULL,
    FirstIndex    BIGINT   NOT NULL,
    PositionCount INT      NOT NULL,
    -- Element i sits at x = i % SizeX, y = (i / SizeX) % SizeY, z = i / (SizeX * SizeY).
    SizeX         BIGINT   NOT NULL,
    SizeY         BIGINT   NOT NULL,
    OrdinalWidth  TINYINT  NOT NULL,
    Ordinals      VARBINARY(16384) NOT NULL,
    ValidFrom     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    PRIMARY KEY (ModelId, LayerIdx, FirstIndex),
    CONSTRAINT CK_TensorSegments_Count CHECK (PositionCount BETWEEN 1 AND 4096),
    CONSTRAINT CK_TensorSegments_Block CHECK (FirstIndex >= 0 AND FirstIndex / 4096 = (FirstIndex + PositionCount - 1) / 4096),
    CONSTRAINT CK_TensorSegments_Sizes CHECK (SizeX >= 1 AND SizeY >= 1),
    CONSTRAINT CK_TensorSegments_Width CHECK (OrdinalWidth BETWEEN 1 AND 4),
    CONSTRAINT CK_TensorSegments_Bytes CHECK (OCTET_LENGTH(Ordinals) = PositionCount * OrdinalWidth)
)
GO
-- Old versions of segments: valid over [ValidFrom, ValidTo); Replaced is how many of the version's values the next
-- version changed (all of them when the segment was removed), the number of row-per-weight history rows it stands for.
CREATE TABLE IF NOT EXISTS TensorSegmentsHistory (
    ModelId       BIGINT   NOT NULL,
    LayerIdx      INT      NOT NULL,
    FirstIndex    BIGINT   NOT NULL,
    PositionCount INT      NOT NULL,
    SizeX         BIGINT   NOT NULL,
    SizeY         BIGINT   NOT NULL,
    OrdinalWidth  TINYINT  NOT NULL,
    Ordinals      VARBINARY(16384) NOT NULL,
    ValidFrom     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    ValidTo       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    Replaced      INT      NOT NULL,
    PRIMARY KEY (ModelId, LayerIdx, FirstIndex, ValidTo),
    CONSTRAINT CK_TensorSegmentsHistory_Replaced CHECK (Replaced BETWEEN 0 AND PositionCount)
)
GO
CREATE INDEX IF NOT EXISTS IX_TensorSegmentsHistory_ValidTo ON TensorSegmentsHistory (ValidTo)
GO
-- The model's distinct values: Occurrences counts current segment positions (what the model adds to the atom's
-- ReferenceCount); an entry at 0 stays while a history version may point at it.
CREATE TABLE IF NOT EXISTS TensorDictionary (
    ModelId     BIGINT NOT NULL,
    Ordinal     INT    NOT NULL,
    AtomId      BIGINT NOT NULL,
    Occurrences BIGINT NOT NULL,
    PRIMARY KEY (ModelId, Ordinal),
    CONSTRAINT UQ_TensorDictionary_Atom UNIQUE (ModelId, AtomId),
    CONSTRAINT CK_TensorDictionary_Occurrences CHECK (Occurrences >= 0)
)
GO
CREATE INDEX IF NOT EXISTS IX_TensorDictionary_Atom ON TensorDictionary (AtomId)
GO
